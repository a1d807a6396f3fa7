"""揭榜挂帅 state machines, settings and the questions every use case asks first.

The application, panel and milestone workflows are declared here once, with who may do what
(apply, manage, see) and how the panel of a challenge is found.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, object_session

from app.challenges import repository
from app.core.clock import today
from app.core.config import get_settings
from app.core.errors import Conflict, NotFound
from app.core.permissions import Action, can
from app.core.workflow import On, Transition, Workflow
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    ReviewMember,
    User,
)
from app.models.enums import (
    ApplicationStatus,
    ListingStatus,
    MilestoneStatus,
    PanelStatus,
)
from app.reviews import service as review_service
from app.reviews.service import ReviewKind

ATTACHMENT_OWNER = "challenge_application"
#: a challenge's panel is a review of subject type "challenge"; experts see who applied
REVIEW = review_service.register(
    ReviewKind(subject_type=repository.SUBJECT, label="榜单", blind=False)
)


def _session(row: object) -> Session:
    session = object_session(row)
    assert session is not None, "a transition runs on a loaded row"
    return session


def challenge_of(row: ChallengeApplication | ChallengePanel) -> Challenge | None:
    return _session(row).get(Challenge, row.challenge_id)


def stage_parties(
    row: ChallengeMilestone,
) -> tuple[ChallengePanel, Challenge | None, ChallengeApplication | None]:
    """A reward stage's panel, its challenge and the winning application."""
    session = _session(row)
    panel = session.get(ChallengePanel, row.panel_id)
    assert panel is not None, "a stage belongs to a panel"
    winner = session.get(ChallengeApplication, panel.winner_id) if panel.winner_id else None
    return panel, challenge_of(panel), winner


MANAGE = On(Action.CHALLENGE_MANAGE, challenge_of)
MANAGE_STAGE = On(Action.CHALLENGE_MANAGE, lambda row: stage_parties(row)[1])
A = ApplicationStatus
application_flow: Workflow[ApplicationStatus] = Workflow(
    "该揭榜申请",
    "status",
    [
        Transition(
            "submit",
            "提交",
            frozenset({A.DRAFT, A.WITHDRAWN}),
            A.SUBMITTED,
            Action.CHALLENGE_APPLICATION_EDIT,
        ),
        Transition(
            "withdraw",
            "撤回",
            frozenset({A.SUBMITTED}),
            A.WITHDRAWN,
            Action.CHALLENGE_APPLICATION_EDIT,
        ),
        # The outcome of the panel's decision, moved with it (``award``) and audited there.
        Transition("award", "确定揭榜成功", frozenset({A.SUBMITTED}), A.AWARDED, MANAGE),
        Transition("decline", "确定未中榜", frozenset({A.SUBMITTED}), A.NOT_AWARDED, MANAGE),
    ],
    type="challenge_application",
)
P = PanelStatus
panel_flow: Workflow[PanelStatus] = Workflow(
    "本榜评审",
    "status",
    [
        Transition("open", "开始评分", frozenset({P.FORMING}), P.SCORING, MANAGE),
        Transition("close", "结束评审", frozenset({P.SCORING}), P.CLOSED, MANAGE),
        Transition("award", "确定揭榜方", frozenset({P.CLOSED}), P.AWARDED, MANAGE),
        Transition("no_award", "本榜空缺", frozenset({P.CLOSED}), P.NO_AWARD, MANAGE),
    ],
    type="challenge_panel",
)
M = MilestoneStatus
milestone_flow: Workflow[MilestoneStatus] = Workflow(
    "该阶段",
    "status",
    [
        Transition(
            "submit",
            "提交验收",
            frozenset({M.PENDING, M.RETURNED}),
            M.SUBMITTED,
            On(Action.CHALLENGE_APPLICATION_EDIT, lambda row: stage_parties(row)[2]),
        ),
        Transition("accept", "验收通过", frozenset({M.SUBMITTED}), M.ACCEPTED, MANAGE_STAGE),
        Transition("return", "退回", frozenset({M.SUBMITTED}), M.RETURNED, MANAGE_STAGE),
    ],
    type="challenge_milestone",
)
DECIDED = (P.AWARDED, P.NO_AWARD)
#: applications the panel scores and ranks
SCORED = (A.SUBMITTED, A.AWARDED, A.NOT_AWARDED)
#: 技术领域 of the award's contract when the challenge's field has no statistics code: 先进制造.
DEFAULT_TECH_FIELD = "03"
#: the funding programme whose lines hold challenge rewards (``item_no`` is the challenge id)
FUNDING_PROGRAMME = "challenge"
#: reservations of a reward are made for the winning application
FUNDING_SUBJECT = "challenge_application"


def min_panel() -> int:
    """Fewest eligible experts left after exclusions for scoring to open (a setting)."""
    return get_settings().challenge_min_panel


# ---------------------------------------------------------------- challenges and applications


def get_challenge(session: Session, challenge_id: int) -> Challenge:
    """A challenge that has been published (it may since have expired or closed)."""
    challenge = repository.challenge(session, challenge_id)
    if challenge is None or challenge.published_at is None:
        raise NotFound("该榜单不存在或尚未发布")
    return challenge


def accepting(challenge: Challenge) -> bool:
    return challenge.status == ListingStatus.PUBLISHED and today() <= (
        challenge.application_deadline
    )


def check_accepting(challenge: Challenge) -> None:
    if challenge.status != ListingStatus.PUBLISHED:
        raise Conflict(f"该榜单当前状态为“{challenge.status.label}”，不接受揭榜申请")
    if today() > challenge.application_deadline:
        raise Conflict(
            f"揭榜已于 {challenge.application_deadline:%Y年%m月%d日} 截止，不能再提交或修改申请"
        )


def panel_of(session: Session, challenge: Challenge) -> ChallengePanel | None:
    return repository.panel(session, challenge.id)


def member_for(panel: ChallengePanel | None, user: User | None) -> ReviewMember | None:
    return review_service.seat(panel.members, user) if panel is not None else None


def may_apply(user: User | None, challenge: Challenge) -> bool:
    return can(user, Action.CHALLENGE_APPLY, challenge)


def may_manage(user: User | None, challenge: Challenge) -> bool:
    return can(user, Action.CHALLENGE_MANAGE, challenge)


def may_see(
    session: Session, user: User | None, challenge: Challenge, application: ChallengeApplication
) -> bool:
    """The applicant's people, the reviewing staff, and the panel's eligible experts."""
    if can(user, Action.CHALLENGE_APPLICATION_EDIT, application) or may_manage(user, challenge):
        return True
    panel = panel_of(session, challenge)
    member = member_for(panel, user)
    return (
        panel is not None
        and panel.status != P.FORMING
        and application.status not in (A.DRAFT, A.WITHDRAWN)
        and can(user, Action.CHALLENGE_SCORE, member)
    )
