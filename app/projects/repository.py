"""Every query of the 项目管理 domain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import (
    ProjectApplication,
    ProjectCall,
    ProjectMilestone,
    ProjectStep,
    ReviewMember,
    User,
)
from app.models.enums import CallStatus, MembershipStatus, OrgRole, ProjectStatus

#: the review subject type of a call's panel (app.reviews)
SUBJECT = "project_call"


def call(session: Session, call_id: int) -> ProjectCall | None:
    return session.scalars(
        select(ProjectCall)
        .options(selectinload(ProjectCall.members).joinedload(ReviewMember.expert))
        .where(ProjectCall.id == call_id)
    ).one_or_none()


def calls_stmt(*, programme: str | None, drafts: bool) -> Select[ProjectCall]:
    stmt = select(ProjectCall)
    if programme:
        stmt = stmt.where(ProjectCall.programme == programme)
    if not drafts:
        stmt = stmt.where(ProjectCall.status != CallStatus.DRAFT)
    return stmt.order_by(ProjectCall.closes_on.desc(), ProjectCall.id.desc())


def calls_for_content(session: Session, content_id: int) -> list[ProjectCall]:
    return list(
        session.scalars(
            select(ProjectCall)
            .where(ProjectCall.content_id == content_id, ProjectCall.status != CallStatus.DRAFT)
            .order_by(ProjectCall.id)
        )
    )


def members(session: Session, call_id: int) -> list[ReviewMember]:
    return list(
        session.scalars(
            select(ReviewMember)
            .options(joinedload(ReviewMember.expert))
            .where(ReviewMember.subject_type == SUBJECT, ReviewMember.subject_id == call_id)
            .order_by(ReviewMember.id)
        )
    )


def _applications() -> Select[ProjectApplication]:
    return select(ProjectApplication).options(
        joinedload(ProjectApplication.org),
        joinedload(ProjectApplication.created_by),
        joinedload(ProjectApplication.call),
    )


def application(session: Session, application_id: int) -> ProjectApplication | None:
    return session.scalars(
        _applications().where(ProjectApplication.id == application_id)
    ).one_or_none()


def applications(
    session: Session, call_id: int, statuses: Iterable[ProjectStatus] | None = None
) -> list[ProjectApplication]:
    stmt = _applications().where(ProjectApplication.call_id == call_id)
    if statuses is not None:
        stmt = stmt.where(ProjectApplication.status.in_(list(statuses)))
    return list(session.scalars(stmt.order_by(ProjectApplication.id)))


def applications_stmt(
    *,
    call_id: int | None = None,
    org_id: int | None = None,
    statuses: Iterable[ProjectStatus] | None = None,
    exclude_drafts: bool = False,
) -> Select[ProjectApplication]:
    """Applications, newest first; the permission filter is the caller's ``org_id``."""
    stmt = _applications()
    if call_id is not None:
        stmt = stmt.where(ProjectApplication.call_id == call_id)
    if org_id is not None:
        stmt = stmt.where(ProjectApplication.org_id == org_id)
    if statuses is not None:
        stmt = stmt.where(ProjectApplication.status.in_(list(statuses)))
    if exclude_drafts:
        stmt = stmt.where(
            ProjectApplication.status.not_in(
                [ProjectStatus.DRAFT, ProjectStatus.UNIT_REVIEW, ProjectStatus.UNIT_RETURNED]
            )
        )
    return stmt.order_by(ProjectApplication.id.desc())


def application_of_org(session: Session, call_id: int, org_id: int) -> ProjectApplication | None:
    return session.scalars(
        _applications().where(
            ProjectApplication.call_id == call_id, ProjectApplication.org_id == org_id
        )
    ).one_or_none()


def milestones(session: Session, application_id: int) -> list[ProjectMilestone]:
    return list(
        session.scalars(
            select(ProjectMilestone)
            .where(ProjectMilestone.application_id == application_id)
            .order_by(ProjectMilestone.seq)
        )
    )


def steps(session: Session, application_id: int) -> list[tuple[ProjectStep, User | None]]:
    rows = session.execute(
        select(ProjectStep, User)
        .outerjoin(User, User.id == ProjectStep.actor_id)
        .where(ProjectStep.application_id == application_id)
        .order_by(ProjectStep.at, ProjectStep.id)
    )
    return [(step, user) for step, user in rows]


def org_admins(session: Session, org_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User).where(
                User.org_id == org_id,
                User.org_role == OrgRole.ADMIN,
                User.membership_status == MembershipStatus.ACTIVE,
                User.is_active.is_(True),
            )
        )
    )


def sent_in(session: Session, call_id: int) -> list[ProjectApplication]:
    """The call's applications the units have sent to the bureau."""
    return list(session.scalars(applications_stmt(call_id=call_id, exclude_drafts=True)))


def submitted_count(session: Session, call_id: int) -> int:
    """Applications under the call that left the applicant's hands (单位审核 or later)."""
    return int(
        session.scalar(
            select(func.count(ProjectApplication.id)).where(
                ProjectApplication.call_id == call_id,
                ProjectApplication.status.not_in(
                    [ProjectStatus.DRAFT, ProjectStatus.UNIT_RETURNED]
                ),
            )
        )
        or 0
    )


def draft_authors(session: Session, call_id: int) -> list[User]:
    """Who started an application under the call that is still being written."""
    return list(
        session.scalars(
            select(User)
            .join(ProjectApplication, ProjectApplication.created_by_id == User.id)
            .where(
                ProjectApplication.call_id == call_id,
                ProjectApplication.status.in_([ProjectStatus.DRAFT, ProjectStatus.UNIT_RETURNED]),
            )
            .distinct()
            .order_by(User.id)
        )
    )
