"""What matching tells people: the broker pipeline's steps and the subscription digest."""

from __future__ import annotations

from app.notifications.kinds import kind

PIPELINE_PROPOSED = kind(
    "match.pipeline",
    "供需对接推荐",
    title="有新的供需对接推荐，请确认",
    body=(
        "技术经纪人{broker}推荐了一项对接：科技成果“{supply}”与{demand_kind}“{demand}”。{note}\n"
        "请在对接页面确认是否愿意进一步洽谈。"
    ),
)
PIPELINE_CONFIRMED = kind(
    "match.pipeline_confirmed",
    "供需双方确认对接",
    title="供需双方已确认对接",
    body="“{supply}”与“{demand}”的对接已获双方确认，可以进入洽谈。",
)
PIPELINE_HALF_CONFIRMED = kind(
    "match.pipeline_half_confirmed",
    "一方确认对接",
    title="{side}已确认对接",
    body="{side}已确认“{supply}”与“{demand}”的对接，等待另一方确认。",
)
PIPELINE_MOVED = kind(
    "match.pipeline_moved",
    "对接状态更新",
    title="对接状态更新为“{stage}”",
    body="“{supply}”与“{demand}”的对接已{step}。{note}",
)
PIPELINE_ADVANCED = kind(
    "match.pipeline_advanced",
    "对接自动推进",
    title="对接状态更新为“{stage}”",
    body="“{supply}”与“{demand}”的对接已推进到“{stage}”。{note}",
)
SUBSCRIPTION_DIGEST = kind(
    "match.subscription",
    "订阅内容有新发布",
    title="您订阅的内容有{count}项新发布",
    body="{lines}",
)
