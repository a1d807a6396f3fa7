"""What applicants of the service hall are told: each move of their application (办件), and
the bureau's answer to their 差评."""

from app.notifications.kinds import kind

MOVED = kind(
    "service.case",
    "办件进度",
    title="办件 {serial_no}「{title}」：{status}",
    body="{note}",
)
ANSWERED = kind(
    "service.rating_answered",
    "差评答复",
    title="您对办件 {serial_no} 的评价已收到答复",
    body="{answer}",
)
