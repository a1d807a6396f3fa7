"""Values no record can hold are refused with a message, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.schemas import TokenCreate
from app.core import clock
from app.core.audit import Actor
from app.models.enums import OrgRole, OrgType, Role
from tests.factories.accounts import make_org, make_user
from tests.factories.trading import contract_data


def _token(session: Session, role: Role = Role.PLATFORM_ADMIN) -> dict[str, str]:
    user = make_user(session, role=role)
    _row, raw = accounts_service.create_token(
        session, Actor(user=user), user, TokenCreate(name="t")
    )
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/achievements/9223372036854775808",
        "/api/v1/contracts/2147483648",
        "/api/v1/events/99999999999999999999999/agenda",
        "/achievements/9223372036854775808",
    ],
)
def test_a_record_number_past_any_record_is_not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "不存在" in response.text


@pytest.mark.parametrize("path", ["/api/v1/demands/²/matches/feedback", "/api/v1/contracts/１２"])
def test_a_record_number_in_other_digits_is_a_clear_error(client: TestClient, path: str) -> None:
    """Superscript and full-width digits are digits to Python's ``isdigit`` but no number."""
    response = client.post(path, json={}) if "feedback" in path else client.get(path)
    assert response.status_code in {401, 422}
    assert response.headers["content-type"] == "application/problem+json"


def test_a_query_id_past_any_record_is_refused(client: TestClient, session: Session) -> None:
    response = client.get(
        "/api/v1/events/1/agenda?participant_id=9223372036854775808", headers=_token(session)
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"participant_id": "编号不能大于 2147483647"}


def test_a_body_id_past_any_record_is_422(client: TestClient, session: Session) -> None:
    org = make_org(session)
    user = make_user(session, org=org, org_role=OrgRole.ADMIN)
    _row, raw = accounts_service.create_token(
        session, Actor(user=user), user, TokenCreate(name="t")
    )
    response = client.post(
        "/api/v1/deals",
        json={"listing_id": 2**63, "message": "希望洽谈"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    assert "超出允许的范围" in response.json()["detail"]


@pytest.mark.parametrize(
    ("signed_on", "message"),
    [
        (date(1, 1, 1), "日期应在 1980-01-01 至 2099-12-31 之间"),
        (date(9999, 12, 31), "日期应在 1980-01-01 至 2099-12-31 之间"),
        (None, "日期不能晚于今天"),
    ],
)
def test_a_contract_signed_in_year_one_or_9999_or_tomorrow_is_refused(
    client: TestClient, session: Session, signed_on: date | None, message: str
) -> None:
    seller = make_org(session, org_type=OrgType.UNIVERSITY)
    buyer = make_org(session)
    user = make_user(session, org=seller, org_role=OrgRole.ADMIN)
    _row, raw = accounts_service.create_token(
        session, Actor(user=user), user, TokenCreate(name="t")
    )
    payload = contract_data(seller, buyer).model_dump(mode="json")
    payload["signed_on"] = str(signed_on or clock.today() + timedelta(days=1))
    response = client.post(
        "/api/v1/contracts", json=payload, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["signed_on"] == message


def test_a_title_of_zero_width_spaces_is_empty_and_a_nul_never_reaches_the_database(
    client: TestClient, session: Session
) -> None:
    from tests.listings.test_endpoints import ACHIEVEMENT
    from tests.orgs.test_endpoints import bearer

    org = make_org(session, org_type=OrgType.UNIVERSITY)
    author = bearer(session, make_user(session, org=org, org_role=OrgRole.ADMIN))
    blank = {**ACHIEVEMENT, "title": "\u200b\u200b\u200b\u200b\u200b\ufeff"}
    response = client.post("/api/v1/achievements", json=blank, headers=author)
    assert response.status_code == 422
    assert response.json()["errors"]["title"] == "至少需要4个字符"

    dirty = {
        **ACHIEVEMENT,
        "title": "红外\x00硫系\u200b玻璃镜头",
        "summary": ACHIEVEMENT["summary"],
    }
    response = client.post("/api/v1/achievements", json=dirty, headers=author)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "红外硫系玻璃镜头"


def test_a_contract_titled_with_invisible_characters_only_is_refused(
    client: TestClient, session: Session
) -> None:
    seller = make_org(session, org_type=OrgType.UNIVERSITY)
    buyer = make_org(session)
    user = make_user(session, org=seller, org_role=OrgRole.ADMIN)
    _row, raw = accounts_service.create_token(
        session, Actor(user=user), user, TokenCreate(name="t")
    )
    payload = contract_data(seller, buyer).model_dump(mode="json")
    payload["title"] = "\x00\u200b\u200c\u200d"
    response = client.post(
        "/api/v1/contracts", json=payload, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 422
    assert "title" in response.json()["errors"]
