"""What 揭榜挂帅 tells people: applications, scoring, results and the stages of the reward."""

from __future__ import annotations

from app.notifications.kinds import kind

APPLICATION_SUBMITTED = kind(
    "challenge.application_submitted",
    "榜单收到揭榜申请",
    title="榜单“{challenge}”收到新的揭榜申请",
    body="{org} 提交了揭榜申请“{application}”。揭榜截止后由平台组织专家评审。",
    mail=False,
)
SCORING_OPEN = kind(
    "challenge.scoring_open",
    "邀请评审揭榜申请",
    title="请评审榜单“{challenge}”的揭榜申请",
    body="您已被邀请担任该榜单的评审专家，请按榜单评价指标逐项打分并填写评语。",
)
RESULT = kind(
    "challenge.result",
    "揭榜评审结果",
    title="榜单“{challenge}”评审结果：{outcome}",
    body="{details}\n各项评语见申请页面。",
)
REVIEW_DONE = kind(
    "challenge.reviewed",
    "榜单评审完成",
    title="榜单“{challenge}”评审完成",
    body="{decision}",
)
MILESTONE_SUBMITTED = kind(
    "challenge.milestone_submitted",
    "揭榜阶段待验收",
    title="“{challenge}”的“{milestone}”阶段待验收",
    body="{org} 提交了“{milestone}”阶段报告，请验收。",
)
MILESTONE_ACCEPTED = kind(
    "challenge.milestone_accepted",
    "揭榜阶段验收通过",
    title="榜单“{challenge}”：“{milestone}”阶段验收通过",
    body="第 {seq} 期奖励 {amount}（{percent}%）已拨付。",
)
MILESTONE_RETURNED = kind(
    "challenge.milestone_returned",
    "揭榜阶段验收未通过",
    title="榜单“{challenge}”：“{milestone}”阶段验收未通过",
    body="原因：{reason}。请补充后重新提交。",
)
