"""What matching tells people: the broker pipeline's steps, the subscription digest and the
expert directory's review decision (``expert_profile.approve`` / ``.reject``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.workflow import WorkflowEvent, on
from app.models import ExpertProfile
from app.notifications import service as notifications
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
EXPERT_LISTED = kind(
    "expert_profile.published",
    "专家档案审核通过",
    title="您的专家档案已审核通过，列入专家库",
    body="{note}",
)
EXPERT_RETURNED = kind(
    "expert_profile.rejected",
    "专家档案被退回修改",
    title="您的专家档案被退回修改",
    body="{note}",
)


@on("expert_profile.approve", "expert_profile.reject")
def tell_expert(session: Session, event: WorkflowEvent[Any]) -> None:
    profile: ExpertProfile = event.obj
    notifications.send(
        session,
        profile.user,
        EXPERT_LISTED if event.action == "approve" else EXPERT_RETURNED,
        link="/matching/profile",
        note=event.note,
    )
