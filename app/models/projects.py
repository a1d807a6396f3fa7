"""项目管理: programme calls (申报指南), the applications under them and the funded projects.

A ``ProjectCall`` belongs to one programme of the policy (企业攻关, 重大科技专项 …, see
``app.projects.programmes``), holds its dates, eligibility, weighted criteria and the
application form as data, and funds its grants from one budget line (``app.funding``,
programme ``project_call``, item = the call's id). Its experts and their blind scores are
the generic review's (``app.models.review``, subject ``("project_call", call id)``).

A ``ProjectApplication`` goes from a draft through the unit's check (单位审核), 形式审查,
the expert review and the decision to 立项公示, then, as a project, through its task book's
milestones (``ProjectMilestone``, each releasing its tranche) to 验收 and 结项. Every step it
takes is one ``ProjectStep`` row: the applicant's progress view.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, IDMixin, TimestampMixin, utcnow
from app.core.money import MoneyColumn
from app.models._types import enum_type
from app.models.enums import CallStatus, MilestoneStatus, ObjectionStatus, ProjectStatus

if TYPE_CHECKING:
    from app.models.organization import Organization
    from app.models.review import ReviewMember
    from app.models.user import User


class ProjectCounter(Base):
    """The last 申报编号 given out in a year; bumped in the submitting transaction."""

    __tablename__ = "project_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class ProjectCall(IDMixin, TimestampMixin, Base):
    """One call for applications (申报指南) of a programme, with its form and criteria."""

    __tablename__ = "project_call"

    programme: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    summary: Mapped[str] = mapped_column(Text, default="")
    #: who may apply, in words (shown on the call); the checks are ``org_types`` and ``tags``
    eligibility: Mapped[str] = mapped_column(Text, default="")
    org_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    budget: Mapped[Decimal] = mapped_column(MoneyColumn())
    max_amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    #: [{"name": "技术先进性", "weight": 30}, …], weights adding up to 100
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: the application form: [{"key", "label", "type", "required", …}] (``app.projects.forms``)
    form: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: share of a grant paid at 立项, 中期检查 and 验收, in percent
    tranche_percents: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[CallStatus] = mapped_column(enum_type(CallStatus), default=CallStatus.DRAFT)
    #: the 申报指南 published in 信息发布 for this call
    content_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_item.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    scoring_opened_at: Mapped[datetime | None]
    ranked_at: Mapped[datetime | None]

    # The experts of the call's review (app.reviews: subject "project_call", its id).
    members: Mapped[list[ReviewMember]] = relationship(
        primaryjoin="and_(foreign(ReviewMember.subject_id) == ProjectCall.id, "
        "ReviewMember.subject_type == 'project_call')",
        viewonly=True,
        lazy="raise",
        order_by="ReviewMember.id",
    )


class ProjectApplication(IDMixin, TimestampMixin, Base):
    """One organisation's application under a call (限报一项), and later its project."""

    __tablename__ = "project_application"
    __table_args__ = (UniqueConstraint("call_id", "org_id"),)

    call_id: Mapped[int] = mapped_column(
        ForeignKey("project_call.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: 申报编号, given when the unit submits it to the bureau (gapless per year)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[ProjectStatus] = mapped_column(
        enum_type(ProjectStatus), default=ProjectStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    requested_amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    #: the call's form as filled in, key → value (validated by ``app.projects.forms``)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    submitted_at: Mapped[datetime | None]
    # Set when the call's review closes: mean weighted score, rank and how ties were settled.
    mean_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    rank: Mapped[int | None]
    rank_note: Mapped[str] = mapped_column(Text, default="")
    approved_amount: Mapped[Decimal | None] = mapped_column(MoneyColumn())
    publicity_ends_on: Mapped[date | None]
    #: the task book (任务书): goals and indicators the project is accepted against
    task_goals: Mapped[str] = mapped_column(Text, default="")
    established_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    org: Mapped[Organization] = relationship(lazy="raise")
    created_by: Mapped[User] = relationship(lazy="raise")
    call: Mapped[ProjectCall] = relationship(lazy="raise")


class ProjectMilestone(IDMixin, TimestampMixin, Base):
    """立项启动 → 中期检查 → 验收: each accepted milestone releases its tranche of the grant."""

    __tablename__ = "project_milestone"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    application_id: Mapped[int] = mapped_column(
        ForeignKey("project_application.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    name: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date]
    percent: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    status: Mapped[MilestoneStatus] = mapped_column(
        enum_type(MilestoneStatus), default=MilestoneStatus.PENDING
    )
    report: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]


class ProjectStep(IDMixin, Base):
    """One step an application took (who, when, into which state, why): its progress view."""

    __tablename__ = "project_step"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("project_application.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(40))
    status: Mapped[ProjectStatus] = mapped_column(enum_type(ProjectStatus))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class ProjectObjection(IDMixin, TimestampMixin, Base):
    """An objection (异议) to a project during its 立项公示, with the bureau's answer
    (维持立项 / 撤销立项) and its reasons."""

    __tablename__ = "project_objection"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("project_application.id", ondelete="CASCADE"), index=True
    )
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_type(ObjectionStatus), default=ObjectionStatus.OPEN, index=True
    )
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]

    application: Mapped[ProjectApplication] = relationship(lazy="raise")
