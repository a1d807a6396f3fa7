"""HTML pages of matchmaking events: the list, creation, the event page with registration,
meeting requests, the organiser's console (check-in, schedule), agendas and the report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from app.core.clock import LOCAL_TZ
from app.core.deps import ActorDep, OptionalUser, SessionDep
from app.core.errors import AppError
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    list_url,
    page_router,
    redirect,
)
from app.core.pagination import PaginationDep
from app.core.regions import REGIONS
from app.core.templating import flash, render
from app.core.validation import error_map, validated
from app.events import access, service
from app.events.schemas import (
    CheckInIn,
    EventCreate,
    OutcomeIn,
    RegistrationIn,
    RequestIn,
    ScheduleOut,
)
from app.models import Event
from app.models.enums import (
    ChiefRole,
    EventKind,
    EventStatus,
    MeetingOutcome,
    MeetingRequestStatus,
)

router = page_router()

# A refused button is explained on the page it came from (a 403 or 404 included); a visitor
# who is not signed in is asked to sign in.
STILL_RAISED: frozenset[int] = frozenset({401})

SESSION_ROWS = 3


def _event(session: SessionDep, event_id: int, user: Any) -> Event:
    return service.get(session, event_id, user)


@router.get("/events")
def browse(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    kind: str = "",
    status: str = "",
) -> Response:
    kind_code = EventKind.from_code(kind)
    status_code = EventStatus.from_code(status)
    page = service.browse(session, user, pagination, kind=kind_code, status=status_code)
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "kind": kind_code.value if kind_code else "",
            "status": status_code.value if status_code else "",
            "kinds": EventKind.choices(),
            "statuses": EventStatus.choices(),
            "base_url": list_url("/events", {"kind": kind, "status": status}),
        },
    )


def _form_context(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "kinds": EventKind.choices(),
        "regions": list(REGIONS.items()),
        "session_rows": range(SESSION_ROWS),
    }


@router.get("/events/new")
def new_form(request: Request, actor: ActorDep) -> Response:
    access.check_creates(actor)
    values = {
        "slot_minutes": "20",
        "tables": "10",
        "request_ttl_hours": "48",
        "kind": "matchmaking",
    }
    return render(request, "events/form.html", _form_context(values, {}))


def _local(value: str | None) -> str | None:
    """A ``datetime-local`` value read as the city's time."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ).isoformat()
    except ValueError:
        return value


@router.post("/events/new")
def create(request: Request, session: SessionDep, actor: ActorDep, values: FormValues) -> Response:
    access.check_creates(actor)
    sessions = []
    for n in range(SESSION_ROWS):
        if not any(values.get(f"s{n}.{k}") for k in ("title", "starts_at", "ends_at")):
            continue
        sessions.append(
            {
                "title": values.get(f"s{n}.title", ""),
                "room": values.get(f"s{n}.room", ""),
                "starts_at": _local(values.get(f"s{n}.starts_at")),
                "ends_at": _local(values.get(f"s{n}.ends_at")),
            }
        )
    payload = {
        k: values.get(k)
        for k in ("title", "kind", "summary", "venue", "region_code", "slot_minutes", "tables")
        if values.get(k) is not None
    }
    payload["request_ttl_hours"] = values.get("request_ttl_hours", "48")
    payload["registration_opens_at"] = _local(values.get("registration_opens_at"))
    payload["registration_closes_at"] = _local(values.get("registration_closes_at"))
    payload["sessions"] = sessions
    try:
        data = EventCreate.model_validate(payload)
        event = service.create(session, actor, data)
    except ValidationError as exc:
        errors = {_form_field(k): v for k, v in error_map(exc.errors()).items()}
        return render(request, "events/form.html", _form_context(values, errors), status_code=422)
    except AppError as exc:
        if exc.status_code != 422:
            raise
        return render(
            request, "events/form.html", _form_context(values, exc.field_errors()), status_code=422
        )
    flash(request, "活动已创建（筹备中）。确认信息后可开放报名。")
    return redirect(f"/events/{event.id}")


def _form_field(name: str) -> str:
    # "sessions.0.starts_at" → "s0.starts_at"; whole-model errors show at the top.
    if name.startswith("sessions."):
        parts = name.split(".")
        return f"s{parts[1]}.{parts[2]}" if len(parts) > 2 else f"s{parts[1]}.title"
    return "form" if name == "body" else name


@router.get("/events/{event_id}")
def detail(request: Request, event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    user = actor.user
    event = _event(session, event_id, user)
    me = service.me(session, user, event)
    manager = access.may_manage(user, event)
    people = service.participants(session, actor, event) if user else []
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "me": me,
            "manager": manager,
            "sessions": service.sessions(session, event),
            "slots": service.slots(session, event),
            "tables": service.tables(session, event),
            "participants": people,
            "registration_open": service.is_registration_open(event),
            "registrable": service.registrable_people(session, user, event),
            "listings": service.listings_to_bring(session, user),
            "chief_roles": ChiefRole.choices(),
            "actions": [t for t in service.lifecycle.allowed(event)] if manager else [],
            "three_chiefs": event.kind == EventKind.THREE_CHIEFS,
        },
    )


@router.post("/events/{event_id}/transitions/{action}")
def transition(
    request: Request,
    event_id: int,
    action: str,
    session: SessionDep,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    event = _event(session, event_id, actor.user)
    return act_and_redirect(
        request,
        session,
        lambda: service.transition(session, actor, event, action),
        back=_back(values.get("back"), event),
        done=lambda _: f"已{service.lifecycle.label(action)}",
        raise_statuses=STILL_RAISED,
    )


def _back(value: object, event: Event, default: str = "") -> str:
    """Where a form on several pages returns to: one of this event's pages."""
    text = str(value or "")
    prefix = f"/events/{event.id}"
    if text == prefix or (text.startswith(prefix + "/") and "//" not in text):
        return text
    return default or prefix


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()]


@router.post("/events/{event_id}/register")
def register(
    request: Request, event_id: int, session: SessionDep, actor: ActorDep, form: SubmittedForm
) -> Response:
    event = _event(session, event_id, actor.user)
    user_id = str(form.get("user_id") or "")
    data = {
        "user_id": int(user_id) if user_id.isdigit() else None,
        "position": str(form.get("position") or ""),
        "chief_role": ChiefRole.from_code(str(form.get("chief_role") or "")),
        "listing_ids": _ints([str(v) for v in form.getlist("listing_ids")]),
        "unavailable_slot_ids": _ints([str(v) for v in form.getlist("unavailable_slot_ids")]),
    }
    return act_and_redirect(
        request,
        session,
        lambda: service.register(session, actor, event, validated(RegistrationIn, data)),
        back=f"/events/{event.id}",
        done=lambda person: f"{person.user.name}已报名。签到码：{person.checkin_code}",
        refused_back=f"/events/{event.id}#register",
        raise_statuses=STILL_RAISED,
    )


@router.post("/events/{event_id}/unregister/{participant_id}")
def unregister(
    request: Request, event_id: int, participant_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    event = _event(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    service.cancel_registration(session, actor, person)
    flash(request, f"已取消{person.user.name}的报名")
    return redirect(f"/events/{event.id}")


@router.post("/events/{event_id}/propose")
def propose(request: Request, event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    event = _event(session, event_id, actor.user)
    created = service.propose(session, actor, event)
    flash(request, f"已根据匹配结果生成{created}条洽谈推荐，并通知了相关参会人")
    return redirect(f"/events/{event.id}/manage")


@router.get("/events/{event_id}/requests")
def requests_page(
    request: Request,
    event_id: int,
    session: SessionDep,
    actor: ActorDep,
    participant_id: int | None = None,
) -> Response:
    event = _event(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    mine = service.requests_of(session, event, person)
    paired = {r.party_a_id for r in mine} | {r.party_b_id for r in mine}
    others = [
        p
        for p in service.participants(session, actor, event)
        if p.id != person.id and p.id not in paired
    ]
    return render(
        request,
        "events/requests.html",
        {
            "event": event,
            "me": person,
            "incoming": [
                r
                for r in mine
                if r.status == MeetingRequestStatus.PENDING and r.requested_by_id != person.id
            ],
            "suggested": [r for r in mine if r.status == MeetingRequestStatus.SUGGESTED],
            "others_requests": [
                r
                for r in mine
                if r.status not in (MeetingRequestStatus.SUGGESTED,)
                and not (
                    r.status == MeetingRequestStatus.PENDING and r.requested_by_id != person.id
                )
            ],
            "others": others,
            "open": event.status
            in (EventStatus.REGISTRATION, EventStatus.CLOSED, EventStatus.SCHEDULED),
        },
    )


def _back_to_requests(event: Event, participant_id: int | None) -> str:
    suffix = f"?participant_id={participant_id}" if participant_id else ""
    return f"/events/{event.id}/requests{suffix}"


@router.post("/events/{event_id}/requests")
def send_request(
    request: Request,
    event_id: int,
    session: SessionDep,
    actor: ActorDep,
    values: FormValues,
    participant_id: int | None = None,
) -> Response:
    event = _event(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    target = str(values.get("to_participant_id", ""))
    data = {
        "to_participant_id": int(target) if target.isdigit() else 0,
        "message": str(values.get("message", "")),
    }
    return act_and_redirect(
        request,
        session,
        lambda: service.send_request(session, actor, event, person, validated(RequestIn, data)),
        back=_back_to_requests(event, participant_id),
        done=lambda sent: (
            "约见已发出，等待对方答复"
            if sent.status == MeetingRequestStatus.PENDING
            else "双方都发出了约见，已确认"
        ),
        raise_statuses=STILL_RAISED,
    )


@router.post("/events/{event_id}/requests/{request_id}/{answer}")
def respond(
    request: Request,
    event_id: int,
    request_id: int,
    answer: str,
    session: SessionDep,
    actor: ActorDep,
    participant_id: int | None = None,
) -> Response:
    event = _event(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    meeting_request = service.request_for(session, event, request_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.respond(session, actor, meeting_request, person, accept=answer == "accept"),
        back=_back_to_requests(event, participant_id),
        done="已接受约见" if answer == "accept" else "已婉拒",
        raise_statuses=STILL_RAISED,
    )


@router.get("/events/{event_id}/manage")
def manage(request: Request, event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    event = access.managed(session, actor, event_id)
    slots = service.slots(session, event)
    tables = service.tables(session, event)
    meetings = service.schedule_of(session, event)
    grid = {(m.slot_id, m.table_id): m for m in meetings}
    people = service.participants(session, actor, event)
    requests = service.all_requests(session, actor, event)
    counts: dict[str, int] = {}
    for r in requests:
        counts[r.status.label] = counts.get(r.status.label, 0) + 1
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "slots": slots,
            "tables": tables,
            "grid": grid,
            "meetings": meetings,
            "participants": people,
            "request_counts": counts,
            "last_build": request.session.pop("last_schedule", None),
            "three_chiefs": event.kind == EventKind.THREE_CHIEFS,
            "actions": service.lifecycle.allowed(event),
        },
    )


@router.post("/events/{event_id}/schedule")
def build_schedule(
    request: Request, event_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    event = _event(session, event_id, actor.user)

    def run() -> ScheduleOut:
        out = service.build_schedule(session, actor, event)
        request.session["last_schedule"] = out.model_dump()  # the console shows its figures
        return out

    return act_and_redirect(
        request,
        session,
        run,
        back=f"/events/{event.id}/manage",
        done=lambda out: f"日程已生成：新排{out.placed}场，保留{out.kept}场，候补{out.standby}条",
        raise_statuses=STILL_RAISED,
    )


@router.post("/events/{event_id}/checkins")
def check_in(
    request: Request, event_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    event = _event(session, event_id, actor.user)
    pid = str(values.get("participant_id", ""))
    data = CheckInIn(
        participant_id=int(pid) if pid.isdigit() else None, code=str(values.get("code", ""))[:8]
    )
    return act_and_redirect(
        request,
        session,
        lambda: service.check_in(session, actor, event, data),
        back=_back(values.get("back"), event, f"/events/{event.id}/manage"),
        done=lambda person: f"{person.user.name}已签到",
        raise_statuses=STILL_RAISED,
    )


@router.post("/events/{event_id}/arrangements")
def arrange(
    request: Request, event_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    event = _event(session, event_id, actor.user)
    first, second, slot = (
        str(values.get(k, "")) for k in ("first_id", "second_id", "fixed_slot_id")
    )
    data = {
        "to_participant_id": int(second) if second.isdigit() else 0,
        "fixed_slot_id": int(slot) if slot.isdigit() else None,
        "message": str(values.get("message", "")),
    }
    return act_and_redirect(
        request,
        session,
        lambda: service.arrange(
            session,
            actor,
            event,
            int(first) if first.isdigit() else 0,
            validated(RequestIn, data),
        ),
        back=f"/events/{event.id}/manage",
        done="已安排洽谈，生成日程时优先排入",
        raise_statuses=STILL_RAISED,
    )


@router.get("/events/{event_id}/agenda")
def agenda(
    request: Request,
    event_id: int,
    session: SessionDep,
    actor: ActorDep,
    participant_id: int | None = None,
) -> Response:
    event = _event(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    plan = access.agenda(session, actor, event, person)
    return render(
        request,
        "events/agenda.html",
        {
            "event": event,
            "person": person,
            "plan": plan,
            "outcomes": [(o.value, o.label) for o in MeetingOutcome],
            "can_record": event.status in (EventStatus.SCHEDULED, EventStatus.FINISHED),
            "suffix": f"?participant_id={participant_id}" if participant_id else "",
        },
    )


@router.get("/events/{event_id}/agenda.ics")
def agenda_ics(
    event_id: int, session: SessionDep, actor: ActorDep, participant_id: int | None = None
) -> Response:
    event = _event(session, event_id, actor.user)
    person = service.participant_for(session, actor, event, participant_id)
    return Response(
        service.agenda_ics(
            event,
            access.agenda(session, actor, event, person),
        ),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}-agenda.ics"'},
    )


@router.post("/events/{event_id}/meetings/{meeting_id}/outcome")
def outcome(
    request: Request,
    event_id: int,
    meeting_id: int,
    session: SessionDep,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    event = _event(session, event_id, actor.user)
    meeting = service.meeting_for(session, event, meeting_id)
    fields: dict[str, Any] = {k: values[k] for k in ("outcome", "amount", "note") if k in values}

    def run() -> OutcomeIn:
        data = validated(OutcomeIn, fields)
        service.record_outcome(session, actor, event, meeting, data)
        return data

    return act_and_redirect(
        request,
        session,
        run,
        back=_back(values.get("back"), event, f"/events/{event.id}/agenda"),
        done=lambda data: f"已记录洽谈结果：{data.outcome.label}",
        raise_statuses=STILL_RAISED,
    )


@router.post("/events/{event_id}/meetings/{meeting_id}/cancel")
def cancel_meeting(
    request: Request,
    event_id: int,
    meeting_id: int,
    session: SessionDep,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    event = _event(session, event_id, actor.user)
    meeting = service.meeting_for(session, event, meeting_id)
    back = _back(values.get("back"), event, f"/events/{event.id}/agenda")
    added = service.cancel_meeting(session, actor, event, meeting, str(values.get("reason", "")))
    flash(request, f"洽谈已取消{'，已从候补补排' + str(added) + '场' if added else ''}")
    return redirect(back)


@router.get("/events/{event_id}/report")
def report(request: Request, event_id: int, session: SessionDep, actor: ActorDep) -> Response:
    event = access.managed(session, actor, event_id)
    data = service.report(session, event)
    return render(
        request,
        "events/report.html",
        {
            "event": event,
            "report": data,
            "request_labels": {s.value: s.label for s in MeetingRequestStatus},
            "outcome_rows": [
                (o.label, data.outcomes.get(o.value, 0))
                for o in MeetingOutcome
                if o != MeetingOutcome.NONE
            ],
        },
    )
