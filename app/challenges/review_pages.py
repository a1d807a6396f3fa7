"""HTML pages of 揭榜挂帅 for the reviewers: the staff's desk (panel, scoring rounds, award,
milestone acceptance) and the expert's scoring sheet."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.challenges import service
from app.challenges.pages import STILL_RAISED, form_fields
from app.challenges.schemas import (
    DEFAULT_TRANCHES,
    MILESTONE_NAMES,
    AwardIn,
    ScoreIn,
)
from app.core.deps import ActorDep, CurrentUser, SessionDep, SignedInActor
from app.core.money import format_yuan
from app.core.pages import SubmittedForm, act_and_redirect, page_router, redirect
from app.core.templating import flash, render
from app.core.validation import parse_form
from app.models import Challenge
from app.models.enums import PanelMemberStatus, PanelStatus

router = page_router()


def _review_page(
    request: Request,
    session: SessionDep,
    actor: Any,
    challenge: Challenge,
    *,
    award_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    panel = service.managed_panel(session, actor, challenge)
    context: dict[str, Any] = {
        "challenge": challenge,
        "reward": format_yuan(challenge.reward),
        "panel": panel,
        "applications": service.applications(session, actor.user, challenge),
        "experts": service.eligible_experts(session),
        "chosen": {m.expert_id for m in panel.members} if panel else set(),
        "progress": service.progress(session, challenge, panel) if panel else [],
        "ranking": (
            service.ranking_rows(session, actor, challenge)
            if panel is not None and panel.status not in (PanelStatus.FORMING, PanelStatus.SCORING)
            else []
        ),
        "milestones": service.milestones(session, panel),
        "award_errors": award_errors or {},
        "default_tranches": DEFAULT_TRANCHES,
        "milestone_names": MILESTONE_NAMES,
        "deadline_passed": service.today() > challenge.application_deadline,
        "min_panel": service.min_panel(),
        "format_yuan": format_yuan,
        "excluded": PanelMemberStatus.EXCLUDED,
    }
    return render(request, "challenges/review.html", context, status_code=status_code)


def _review_url(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}/review"


@router.get("/challenges/{challenge_id}/review")
def review(challenge_id: int, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    return _review_page(request, session, actor, challenge)


@router.post("/challenges/{challenge_id}/review/panel")
def form_panel(
    challenge_id: int,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,  # a visitor is asked to sign in before the form is read
    form: SubmittedForm,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    ids = [int(v) for v in form.getlist("expert_ids") if isinstance(v, str) and v.isdigit()]
    if not ids:
        flash(request, "请至少选择一位专家", "error")
        return redirect(_review_url(challenge))

    def run() -> None:
        panel = service.form_panel(session, actor, challenge, ids)
        excluded = [m for m in panel.members if m.status == PanelMemberStatus.EXCLUDED]
        if excluded:
            flash(
                request,
                f"{len(excluded)} 位专家因利益冲突自动回避："
                + "；".join(f"{m.expert.name}（{'；'.join(m.conflicts)}）" for m in excluded),
                "warning",
            )

    return act_and_redirect(
        request,
        session,
        run,
        back=_review_url(challenge),
        done="专家组已保存",
        raise_statuses=STILL_RAISED,
    )


@router.post("/challenges/{challenge_id}/review/open")
def open_scoring(
    challenge_id: int, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.open_scoring(session, actor, challenge),
        back=_review_url(challenge),
        done="专家评分已开始，已通知参评专家",
        raise_statuses=STILL_RAISED,
    )


@router.post("/challenges/{challenge_id}/review/close")
def close_scoring(
    challenge_id: int, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.close_scoring(session, actor, challenge),
        back=_review_url(challenge),
        done="评审已结束，排名见下方",
        raise_statuses=STILL_RAISED,
    )


@router.post("/challenges/{challenge_id}/review/award")
def award(
    challenge_id: int, request: Request, session: SessionDep, actor: ActorDep, form: SubmittedForm
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    values = form_fields(form)
    raw = values.get("application_id", "")
    data, errors = parse_form(
        AwardIn,
        {
            "application_id": None if raw in ("", "none") else raw,
            "reason": values.get("reason", ""),
            "tranches": [values.get(f"tranche_{i}", "") for i in range(len(MILESTONE_NAMES))],
        },
    )
    if data is None:
        return _review_page(
            request, session, actor, challenge, award_errors=errors, status_code=422
        )
    return act_and_redirect(
        request,
        session,
        lambda: service.award(session, actor, challenge, data),
        back=_review_url(challenge),
        done="评审结果已确定，已向每个申请单位发送得分、排名和理由",
        raise_statuses=STILL_RAISED,
    )


@router.post("/challenges/{challenge_id}/review/milestones/{seq}/accept")
def accept_milestone(
    challenge_id: int, seq: int, request: Request, session: SessionDep, actor: ActorDep
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.accept_milestone(session, actor, challenge, seq),
        back=_review_url(challenge),
        done="验收通过，该期奖励已拨付",
        raise_statuses=STILL_RAISED,
    )


@router.post("/challenges/{challenge_id}/review/milestones/{seq}/return")
def return_milestone(
    challenge_id: int,
    seq: int,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,  # a visitor is asked to sign in before the form is read
    form: SubmittedForm,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    reason = form_fields(form).get("reason", "")
    if len(reason) < 4:
        flash(request, "请写明退回原因（至少 4 个字）", "error")
        return redirect(_review_url(challenge))
    return act_and_redirect(
        request,
        session,
        lambda: service.return_milestone(session, actor, challenge, seq, reason),
        back=_review_url(challenge),
        done="已退回，并通知揭榜方补充",
        raise_statuses=STILL_RAISED,
    )


# -- the expert -----------------------------------------------------------------------------------


@router.get("/challenges/{challenge_id}/scoring")
def scoring(challenge_id: int, request: Request, session: SessionDep, actor: ActorDep) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    panel, apps, own = service.scoring_sheet(session, actor, challenge)
    return render(
        request,
        "challenges/scoring.html",
        {
            "challenge": challenge,
            "panel": panel,
            "applications": apps,
            "own": own,
            "attachments": {a.id: service.application_attachments(session, a) for a in apps},
            "open": panel.status == PanelStatus.SCORING,
        },
    )


@router.post("/challenges/{challenge_id}/scoring/{application_id}")
def save_score(
    challenge_id: int,
    application_id: int,
    request: Request,
    session: SessionDep,
    actor: SignedInActor,  # a visitor is asked to sign in, not told the application is not there
    form: SubmittedForm,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, actor.user, challenge, application_id)
    values = form_fields(form)
    back = f"/challenges/{challenge.id}/scoring#a-{application.id}"
    items = [
        {"score": values.get(f"score_{i}", ""), "comment": values.get(f"comment_{i}", "")}
        for i in range(len(challenge.criteria))
    ]
    data, errors = parse_form(ScoreIn, {"items": items})
    if data is None:
        names = [c["name"] for c in challenge.criteria]
        messages = []
        for key, message in errors.items():
            parts = key.split(".")
            if len(parts) >= 3 and parts[1].isdigit():
                field = "分数" if parts[2] == "score" else "评语"
                messages.append(f"“{names[int(parts[1])]}”的{field}：{message}")
            else:
                messages.append(message)
        flash(request, "评分未保存：" + "；".join(messages), "error")
        return redirect(back)
    return act_and_redirect(
        request,
        session,
        lambda: service.score(session, actor, challenge, application, data),
        back=back,
        done=f"已保存对“{application.org.name}”的评分；评审结束前可以修改",
        raise_statuses=STILL_RAISED,
    )


@router.get("/me/reviews")
def my_reviews(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    panels = service.panels_of_expert(session, user)
    challenges = service.challenges_by_id(session, [p.challenge_id for p in panels])
    rows = []
    for panel in panels:
        seat = next(m for m in panel.members if m.expert_id == user.id)
        rows.append((challenges[panel.challenge_id], panel, seat))
    return render(request, "challenges/reviews.html", {"rows": rows})
