"""揭榜挂帅 rules: applications, the expert panel and its conflicts, scoring, award, milestones.

A challenge is a published ``Challenge`` listing. Solver organisations draft and submit an
application up to the deadline (inclusive, in local time). Administrators form a panel of
experts; experts with a conflict of interest are kept on the panel as *excluded*, with the
reasons, so nobody is dropped silently. Scoring opens after the deadline; each eligible expert
scores every application on the challenge's weighted criteria and sees only their own scores
until the panel closes. Closing ranks the applications; the award decision tells every
applicant their scores, rank and the reasons and ends the challenge's call (已揭榜, or closed
when nobody won), and the award becomes a technical contract whose milestones (实施 → 中期检查
→ 验收) each release a tranche of the reward when accepted.

This module is the domain's one entry point for routes and other domains; the rules live in
one module per use case: ``flows`` (workflows, who may do what), ``applications``, ``panel``
(review and ranking, on ``app.reviews``), ``award`` (decision, funding, contract, feedback),
``milestones`` and ``views``.
"""

from __future__ import annotations

# The notifications of every transition below are its subscribers: loading the rules loads them.
from app.challenges import notices  # noqa: F401
from app.challenges.applications import (
    add_attachment,
    application_attachments,
    applications,
    attachment,
    challenges_by_id,
    check_may_apply,
    create_application,
    get_application,
    may_edit,
    mine,
    missing_for_submit,
    own_application,
    remove_attachment,
    submit_application,
    update_application,
    withdraw_application,
)
from app.challenges.award import (
    award,
    feedback,
    split_reward,
)
from app.challenges.flows import (
    ATTACHMENT_OWNER,
    DECIDED,
    DEFAULT_TECH_FIELD,
    FUNDING_PROGRAMME,
    FUNDING_SUBJECT,
    SCORED,
    accepting,
    application_flow,
    get_challenge,
    may_apply,
    may_manage,
    may_see,
    member_for,
    milestone_flow,
    min_panel,
    panel_flow,
    panel_of,
)
from app.challenges.milestones import (
    accept_milestone,
    milestones,
    released_total,
    return_milestone,
    submit_milestone,
)
from app.challenges.panel import (
    Progress,
    all_scores,
    close_scoring,
    eligible_experts,
    form_panel,
    managed_panel,
    open_scoring,
    progress,
    ranked_applications,
    score,
    scoring_sheet,
)
from app.challenges.views import (
    get_panel,
    panel_view,
    panels_of_expert,
    ranking_rows,
    view,
    visible_milestones,
)
from app.core.clock import today

__all__ = [
    "ATTACHMENT_OWNER",
    "DECIDED",
    "DEFAULT_TECH_FIELD",
    "FUNDING_PROGRAMME",
    "FUNDING_SUBJECT",
    "SCORED",
    "Progress",
    "accept_milestone",
    "accepting",
    "add_attachment",
    "all_scores",
    "application_attachments",
    "application_flow",
    "applications",
    "attachment",
    "award",
    "challenges_by_id",
    "check_may_apply",
    "close_scoring",
    "create_application",
    "eligible_experts",
    "feedback",
    "form_panel",
    "get_application",
    "get_challenge",
    "get_panel",
    "managed_panel",
    "may_apply",
    "may_edit",
    "may_manage",
    "may_see",
    "member_for",
    "milestone_flow",
    "milestones",
    "min_panel",
    "mine",
    "missing_for_submit",
    "open_scoring",
    "own_application",
    "panel_flow",
    "panel_of",
    "panel_view",
    "panels_of_expert",
    "progress",
    "ranked_applications",
    "ranking_rows",
    "released_total",
    "remove_attachment",
    "return_milestone",
    "score",
    "scoring_sheet",
    "split_reward",
    "submit_application",
    "submit_milestone",
    "today",
    "update_application",
    "view",
    "visible_milestones",
    "withdraw_application",
]
