"""Every directory: owned by an organisation, shown after review, filtered and searchable."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.core import outbox
from app.core.audit import Actor
from app.models import User
from app.models.enums import ResourceKind, Role
from app.resources import service
from app.resources.schemas import ResourceReview
from tests.factories.accounts import make_user
from tests.factories.resources import make_resource

EXTRA: dict[ResourceKind, dict[str, object]] = {
    ResourceKind.LAB: {"level": "省级"},
    ResourceKind.INSTRUMENT: {},
    ResourceKind.PILOT_PLATFORM: {"services": ["proof_of_concept", "pilot_scale"]},
    ResourceKind.INCUBATOR: {"level": "国家级"},
    ResourceKind.TRANSFER_INSTITUTION: {"filing_no": "长科转备〔2026〕9号"},
    ResourceKind.SERVICE_PROVIDER: {"services": ["testing"], "accepts_vouchers": True},
}


@pytest.mark.parametrize("kind", list(ResourceKind))
def test_each_directory_after_review_with_filters_and_search(
    kind: ResourceKind,
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    org_admin: User,
) -> None:
    name = f"长春{kind.label}钙钛矿薄膜{kind.value}"
    entry = make_resource(session, org_admin, kind=kind, name=name, publish=False, **EXTRA[kind])
    session.commit()
    outbox.drain(session_factory)
    assert client.get("/api/v1/resources", params={"kind": kind.value}).json()["total"] == 0
    assert (
        client.get("/api/v1/search", params={"q": "钙钛矿", "type": "resource"}).json()["total"]
        == 0
    )

    reviewer = make_user(session, role=Role.PLATFORM_ADMIN, name="资源审核人")
    service.submit(session, Actor(user=org_admin), entry.id)
    service.approve(session, Actor(user=reviewer), entry.id, ResourceReview(note="信息完整"))
    session.commit()
    outbox.drain(session_factory)

    listed = client.get("/api/v1/resources", params={"kind": kind.value, "q": "钙钛矿"}).json()
    assert [(e["name"], e["org_id"]) for e in listed["items"]] == [(name, org_admin.org_id)]
    assert listed["items"][0]["org_name"]
    found = client.get("/api/v1/search", params={"q": "钙钛矿", "type": "resource"}).json()
    assert [(i["title"], i["url"]) for i in found["items"]] == [(name, f"/resources/{entry.id}")]
    page = client.get("/search", params={"q": "钙钛矿"})
    assert page.status_code == 200 and f"/resources/{entry.id}" in page.text

    service.withdraw(session, Actor(user=org_admin), entry.id)
    session.commit()
    outbox.drain(session_factory)
    assert (
        client.get("/api/v1/search", params={"q": "钙钛矿", "type": "resource"}).json()["total"]
        == 0
    )
