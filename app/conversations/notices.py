"""What 互动交流 tells people: notification kinds of conversations and listing questions."""

from __future__ import annotations

from app.notifications.kinds import kind

MESSAGE = kind(
    "conversation.message",
    "互动交流新消息",
    title="会话“{title}”有新消息",
    body="{author}：{excerpt}",
)
REPORTED = kind(
    "conversation.report",
    "会话被举报（管理员）",
    title="会话“{title}”被举报",
    body="举报原因：{reason}",
)
QUESTION_ASKED = kind(
    "listing_question.asked",
    "信息收到提问",
    title="“{title}”收到新提问",
    body="{question}",
)
QUESTION_ANSWERED = kind(
    "listing_question.answered",
    "提问已有回答",
    title="您对“{title}”的提问已有回答",
    body="{answer}",
)
