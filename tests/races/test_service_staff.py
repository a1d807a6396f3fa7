"""The bureau's desk under many clicks at once: a 差评 is answered once, and a new version of
the 研发投入补助 rates gets one number, and uploads to one material leave one file."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from app.core.audit import Actor
from app.core.db import session_scope
from app.models import (
    Attachment,
    AuditEvent,
    RdSubsidyRate,
    ServiceCaseMaterial,
    ServiceRating,
)
from app.models.enums import Role
from app.services import service
from app.services.schemas import CaseMove, RatingCreate
from tests.factories.accounts import make_user
from tests.races.conftest import RaceServer, statuses
from tests.services.helpers import advance, enterprise, voucher_case
from tests.services.test_material_pages import PDF


def test_six_answers_to_one_bad_rating_at_once_record_one(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="差评答复员")
        staff = Actor(user=admin)
        _org, user = enterprise(s)
        case = advance(s, staff, user, voucher_case(s, user, "10000"))
        service.act(s, staff, case.id, "refuse", CaseMove(reason="服务内容不属于支持范围"))
        rating_id = service.rate(s, Actor(user=user), case.id, RatingCreate(grade=1)).id
        token = race_server.token(s, admin)

    responses = race_server.at_once(
        [
            (
                token,
                "POST",
                f"/api/v1/services/follow-ups/{rating_id}/answer",
                {"answer": f"答复{n}"},
            )
            for n in range(6)
        ]
    )

    assert statuses(responses) == [200] + [409] * 5, [r.text for r in responses]
    assert all("已答复" in r.json()["detail"] for r in responses if r.status_code == 409)
    with race_server.factory() as s:
        rating = s.get(ServiceRating, rating_id)
        assert rating is not None and rating.answered_at is not None
        winner = next(r for r in responses if r.status_code == 200).json()["answer"]
        assert rating.answer == winner
        audits = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "service_rating.answer",
                AuditEvent.object_id == str(rating_id),
            )
        )
        assert audits == 1


def test_six_new_rate_versions_at_once_get_one_number(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        admin = make_user(s, role=Role.PLATFORM_ADMIN, name="补助比例维护员")
        token = race_server.token(s, admin)
        before = s.scalar(select(func.max(RdSubsidyRate.version))) or 0
        latest = s.scalar(select(func.max(RdSubsidyRate.effective_from)))
    assert latest is not None
    day = latest.replace(year=latest.year + 1).isoformat()
    body = {"base_rate": "0.06", "increment_rate": "0.12", "cap": "1000000", "effective_from": day}

    responses = race_server.at_once(
        [(token, "POST", "/api/v1/services/rd-rates", body) for _ in range(6)]
    )

    assert statuses(responses) == [201] + [422] * 5, [r.text for r in responses]
    refused = [r.json() for r in responses if r.status_code == 422]
    assert all("应晚于当前版本的生效日期" in str(p["errors"]) for p in refused), refused
    with race_server.factory() as s:
        versions = s.scalars(select(RdSubsidyRate.version).order_by(RdSubsidyRate.version)).all()
        assert versions == list(range(1, before + 2))


def test_six_uploads_to_one_material_at_once_leave_one_file(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        _org, user = enterprise(s)
        case_id = voucher_case(s, user, "10000").id
        token = race_server.token(s, user)
    barrier = threading.Barrier(6)

    def upload(n: int) -> httpx.Response:
        with httpx.Client(
            base_url=race_server.url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        ) as client:
            client.get("/api/v1/health")
            barrier.wait()
            return client.post(
                f"/api/v1/services/cases/{case_id}/materials",
                data={"material_no": "0"},
                files={"file": (f"申领表{n}.pdf", PDF + str(n).encode(), "application/pdf")},
            )

    with ThreadPoolExecutor(6) as threads:
        responses = list(threads.map(upload, range(6)))

    assert statuses(responses) == [201] * 6, [r.text for r in responses]
    with race_server.factory() as s:
        links = s.scalars(
            select(ServiceCaseMaterial).where(ServiceCaseMaterial.case_id == case_id)
        ).all()
        files = s.scalars(
            select(Attachment).where(
                Attachment.owner_type == "service_case", Attachment.owner_id == case_id
            )
        ).all()
        assert len(links) == 1 and [f.id for f in files] == [links[0].attachment_id]
