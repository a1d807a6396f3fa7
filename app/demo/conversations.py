"""Demo 互动交流: a few conversations between organisations and questions on a listing.

An enterprise asks a university about an achievement and quotes it (the thread shows only the
achievement's public part); a direct conversation between a pharmaceutical company and an
institute; on one achievement, a question answered publicly, one answered privately and one
still waiting for its answer. Idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.conversations import questions, service
from app.conversations.schemas import AnswerCreate, ConversationOpen
from app.core.audit import Actor
from app.models import Achievement, Conversation, Organization, User
from app.models.enums import ListingStatus


def _actor(session: Session, email: str) -> Actor:
    return Actor(user=session.scalars(select(User).where(User.email == email)).one())


def _achievement(session: Session, org_name: str) -> Achievement:
    org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
    return session.scalars(
        select(Achievement)
        .where(Achievement.org_id == org.id, Achievement.status == ListingStatus.PUBLISHED)
        .order_by(Achievement.id)
        .limit(1)
    ).one()


def load_conversations(
    session: Session, progress: Callable[[str], object] = lambda _m: None
) -> None:
    """Create the demo conversations and questions unless they are there already."""
    if session.scalar(select(Conversation.id).limit(1)) is not None:
        return
    hefeng = _actor(session, "hefeng@demo.kechuang.cn")
    cust = _actor(session, "cust@demo.kechuang.cn")
    borui = _actor(session, "borui@demo.kechuang.cn")
    ciac = _actor(session, "ciac@demo.kechuang.cn")
    qimingxing = _actor(session, "qimingxing@demo.kechuang.cn")
    guanggu = _actor(session, "guanggu@demo.kechuang.cn")
    jlu = _actor(session, "jlu@demo.kechuang.cn")

    achievement = _achievement(session, "长春理工大学")
    thread = service.open_conversation(
        session,
        hefeng,
        ConversationOpen(
            subject_type="listing",
            subject_id=achievement.id,
            body="您好，我司在做零部件的在线检测，想了解这项成果能否用于我们的产线，"
            "是否方便安排一次技术交流？",
            quote_listing_id=achievement.id,
        ),
    )
    service.post_message(
        session, cust, thread, "欢迎交流。下周三下午课题组在校，可以带样件来实验室现场测试。"
    )
    service.post_message(session, hefeng, thread, "好的，我们下周三14点到，带三种典型样件。")

    assert borui.user is not None and ciac.user is not None and ciac.user.org_id is not None
    direct = service.open_conversation(
        session,
        borui,
        ConversationOpen(
            subject_type="direct",
            org_id=ciac.user.org_id,
            body="应化所的老师好，我们在筛选缓释制剂用的高分子辅料，想请教贵所是否有可合作的课题组。",
        ),
    )
    service.post_message(
        session,
        ciac,
        direct,
        "高分子物理与化学国家重点实验室有相关方向，我把需求转给课题组负责人。",
    )

    listing = _achievement(session, "吉林大学")
    public = questions.ask(
        session, qimingxing, listing.id, "该成果目前是否有中试线？能否提供样品测试？"
    )
    questions.answer(
        session,
        jlu,
        listing.id,
        public.id,
        AnswerCreate(answer="已在合作企业完成中试，可提供样品，测试周期约两周。"),
    )
    private = questions.ask(
        session, guanggu, listing.id, "如果采用独占许可，大致的许可费区间是多少？"
    )
    questions.answer(
        session,
        jlu,
        listing.id,
        private.id,
        AnswerCreate(answer="独占许可费可按销售额提成，具体请在洽谈中沟通。", private=True),
    )
    questions.ask(session, hefeng, listing.id, "是否支持按里程碑分期付款？")
    session.flush()
    progress("互动交流：会话 2 个，信息问答 3 条")
