"""What applicants of the service hall are told: each move of their application (办件)."""

from app.notifications.kinds import kind

MOVED = kind(
    "service.case",
    "办件进度",
    title="办件 {serial_no}「{title}」：{status}",
    body="{note}",
)
