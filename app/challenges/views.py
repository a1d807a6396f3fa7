"""揭榜挂帅 read models: what pages and the API show of applications, panels and rankings."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy.orm import Session

from app.challenges import repository
from app.challenges.applications import application_attachments
from app.challenges.award import feedback
from app.challenges.flows import REVIEW, P, may_manage, panel_of
from app.challenges.panel import ranked_applications
from app.challenges.schemas import (
    ApplicationOut,
    AttachmentOut,
    MemberOut,
    PanelOut,
    RankingRow,
)
from app.core.audit import Actor
from app.core.errors import Conflict, NotFound
from app.core.permissions import Action, authorize, can
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    ReviewScore,
    User,
)
from app.reviews import service as review_service

SUBJECT = REVIEW.subject_type


def view(
    session: Session, challenge: Challenge, application: ChallengeApplication
) -> ApplicationOut:
    """The application as its readers see it, with attachments and (once decided) feedback."""
    base = f"/api/v1/challenges/{challenge.id}/applications/{application.id}/attachments"
    return ApplicationOut(
        id=application.id,
        challenge_id=challenge.id,
        org_id=application.org_id,
        org_name=application.org.name,
        status=application.status.value,
        status_label=application.status.label,
        title=application.title,
        team=application.team,
        plan=application.plan,
        budget=application.budget,
        schedule=application.schedule,
        contact_name=application.contact_name,
        contact_phone=application.contact_phone,
        meets_requirements=application.meets_requirements,
        submitted_at=application.submitted_at,
        version=application.version,
        attachments=[
            AttachmentOut(
                id=row.id,
                filename=row.filename,
                size=row.size,
                content_type=row.content_type,
                url=f"{base}/{row.id}",
            )
            for row in application_attachments(session, application)
        ],
        feedback=feedback(session, challenge, application),
    )


def panel_view(panel: ChallengePanel) -> PanelOut:
    return PanelOut(
        challenge_id=panel.challenge_id,
        status=panel.status.value,
        status_label=panel.status.label,
        members=[
            MemberOut(
                expert_id=m.expert_id,
                expert_name=m.expert.name,
                org_name=m.expert.org.name if m.expert.org else "",
                status=m.status.value,
                status_label=m.status.label,
                conflicts=m.conflicts,
            )
            for m in panel.members
        ],
        scoring_opened_at=panel.scoring_opened_at,
        closed_at=panel.closed_at,
        winner_id=panel.winner_id,
        decision_reason=panel.decision_reason,
        contract_id=panel.contract_id,
    )


def get_panel(session: Session, actor: Actor, challenge: Challenge) -> ChallengePanel:
    """The panel with every member, excluded ones and their reasons included (staff)."""
    authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
    panel = panel_of(session, challenge)
    if panel is None:
        raise NotFound("该榜单尚未组建评审专家组")
    return panel


def ranking_rows(session: Session, actor: Actor, challenge: Challenge) -> list[RankingRow]:
    """The ranking with each application's criterion means and expert totals (staff)."""
    panel = panel_of(session, challenge)
    if panel is None or panel.status in (P.FORMING, P.SCORING):
        authorize(actor.user, Action.CHALLENGE_MANAGE, challenge)
        raise Conflict("评审结束后才有排名")
    apps = ranked_applications(session, actor, challenge)
    eligible = {m.expert_id for m in review_service.eligible(panel.members)}
    by_app: dict[int, list[ReviewScore]] = defaultdict(list)
    for row in review_service.scores(session, SUBJECT, [a.id for a in apps]):
        if row.expert_id in eligible:
            by_app[row.entry_id].append(row)
    rows = []
    for a in apps:
        scored = by_app[a.id]
        means = review_service.criterion_means(scored, len(challenge.criteria))
        rows.append(
            RankingRow(
                application_id=a.id,
                org_name=a.org.name,
                title=a.title,
                rank=a.rank or 0,
                mean_score=a.mean_score or Decimal(0),
                criteria_means=means,
                rank_note=a.rank_note,
                expert_totals=[s.total for s in scored],
            )
        )
    return rows


def visible_milestones(
    session: Session, user: User, challenge: Challenge
) -> list[ChallengeMilestone]:
    """The stages and tranches: for the staff and the winning organisation."""
    panel = panel_of(session, challenge)
    if panel is None or panel.winner_id is None:
        return []
    winner = repository.application(session, panel.winner_id)
    if not (
        may_manage(user, challenge)
        or (winner is not None and can(user, Action.CHALLENGE_APPLICATION_EDIT, winner))
    ):
        raise NotFound("该榜单的实施进度仅揭榜方和管理员可见")
    return repository.milestones(session, panel.id)


def panels_of_expert(session: Session, user: User) -> list[ChallengePanel]:
    """The panels the expert was invited to, newest first (excluded seats included)."""
    return repository.panels_of_expert(session, user.id)
