from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Organization, User
from app.models.enums import MembershipStatus, OrgRole, OrgStatus
from tests.factories.accounts import PASSWORD, make_org, make_user, unique_credit_code
from tests.orgs.test_endpoints import bearer

PROBLEM = "application/problem+json"


def registration(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": "wang@jlu.example.cn",
        "name": "王海燕",
        "password": "Hongqi-Jiefang-1953",
        "org_mode": "new",
        "org": {
            "name": "长春示范大学",
            "credit_code": unique_credit_code(),
            "org_type": "university",
            "region_code": "220104",
        },
    }
    body.update(overrides)
    return body


class TestRegister:
    def test_new_org_is_pending_and_person_is_its_admin(
        self, client: TestClient, session: Session
    ) -> None:
        response = client.post("/api/v1/auth/register", json=registration())
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["org_role"] == "admin"
        org = session.get(Organization, body["org_id"])
        assert org is not None and org.status == OrgStatus.PENDING

    def test_wrong_check_character_names_the_problem(self, client: TestClient) -> None:
        body = registration()
        code = body["org"]["credit_code"]  # type: ignore[index]
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        body["org"]["credit_code"] = wrong  # type: ignore[index]
        response = client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith(PROBLEM)
        problem = response.json()
        assert problem["title"] == "提交的内容有误"
        assert "校验位不正确" in problem["errors"]["org.credit_code"]
        assert f"应为“{code[17]}”" in problem["errors"]["org.credit_code"]

    def test_duplicate_email_is_a_conflict(self, client: TestClient) -> None:
        assert client.post("/api/v1/auth/register", json=registration()).status_code == 201
        again = registration(
            org_mode="existing", org=None, existing_credit_code=unique_credit_code()
        )
        response = client.post("/api/v1/auth/register", json=again)
        assert response.status_code == 409
        assert response.json()["detail"].startswith("该邮箱已注册")

    def test_refused_org_leaves_no_account(
        self, client: TestClient, org: Organization, session: Session
    ) -> None:
        body = registration()
        body["org"]["credit_code"] = org.credit_code  # type: ignore[index]
        response = client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 409
        assert response.json()["errors"]["credit_code"] == "该统一社会信用代码已注册"
        assert session.scalars(select(User).where(User.email == body["email"])).first() is None
        assert client.post("/api/v1/auth/register", json=registration()).status_code == 201

    def test_join_existing_org_waits_for_its_admin(
        self, client: TestClient, org: Organization, session: Session
    ) -> None:
        body = registration(
            org_mode="existing", org=None, existing_credit_code=org.credit_code.lower()
        )
        response = client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 201, response.text
        user = session.get(User, response.json()["id"])
        assert user is not None
        assert (user.org_id, user.org_role) == (org.id, OrgRole.MEMBER)
        assert user.membership_status == MembershipStatus.PENDING

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("12345678", "常见密码"),
            ("abcdefghijk1", "连续的字母或数字"),
            ("19880612", "日期或年份"),
            ("asdfghjkl;'", "键盘上相邻的按键"),
            ("password1", "常见密码"),
            ("qwerty123", "常见密码"),
            ("woaini1314", "常见密码"),
            ("Wang.haiyan88", "包含了您的邮箱或姓名"),
        ],
    )
    def test_guessable_password_is_refused_in_chinese(
        self, client: TestClient, password: str, reason: str
    ) -> None:
        body = registration(email="wang.haiyan@jlu.example.cn", password=password)
        response = client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 422
        message = response.json()["errors"]["password"]
        assert message.startswith("密码太容易被猜到") and reason in message

    @pytest.mark.parametrize(
        "password", ["\u200b" * 12, "Hongqi\u200b-Jiefang-1953", "Hongqi\x00Jiefang-1953"]
    )
    def test_invisible_characters_are_refused(self, client: TestClient, password: str) -> None:
        response = client.post("/api/v1/auth/register", json=registration(password=password))
        assert response.status_code == 422
        assert response.json()["errors"]["password"] == "密码不能包含零宽字符、控制字符等不可见字符"


class TestAffiliate:
    def test_member_of_an_org_cannot_join_another(
        self, client: TestClient, member: User, session: Session
    ) -> None:
        other = make_org(session)
        response = client.post(
            "/api/v1/me/org",
            json={"org_mode": "existing", "existing_credit_code": other.credit_code},
            headers=bearer(session, member),
        )
        assert response.status_code == 409
        assert response.headers["content-type"].startswith(PROBLEM)
        assert "您已属于一个机构" in response.json()["detail"]

    def test_person_whose_request_was_refused_asks_again(
        self, client: TestClient, org: Organization, session: Session
    ) -> None:
        person = make_user(session)
        response = client.post(
            "/api/v1/me/org",
            json={"org_mode": "existing", "existing_credit_code": org.credit_code},
            headers=bearer(session, person),
        )
        assert response.status_code == 200, response.text
        assert response.json()["membership_status"] == "pending"


class TestTokens:
    def test_token_from_password_then_use_and_revoke(
        self, client: TestClient, member: User, session: Session
    ) -> None:
        response = client.post(
            "/api/v1/auth/tokens",
            json={"email": member.email, "password": PASSWORD, "name": "同步脚本"},
        )
        assert response.status_code == 201, response.text
        token = response.json()["token"]
        assert token.startswith("kc_")
        headers = {"Authorization": f"Bearer {token}"}

        me = client.get("/api/v1/me", headers=headers)
        assert me.status_code == 200 and me.json()["email"] == member.email
        listed = client.get("/api/v1/me/tokens", headers=headers).json()["items"]
        assert [t["name"] for t in listed] == ["同步脚本"]
        assert "token" not in listed[0]

        assert (
            client.delete(f"/api/v1/me/tokens/{listed[0]['id']}", headers=headers).status_code
            == 204
        )
        refused = client.get("/api/v1/me", headers=headers)
        assert refused.status_code == 401
        assert refused.json()["detail"] == "API 令牌无效、已过期或已被撤销"
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-3:] == ["user.login", "token.create", "token.revoke"]

    def test_wrong_password_gets_no_token(self, client: TestClient, member: User) -> None:
        response = client.post(
            "/api/v1/auth/tokens",
            json={"email": member.email, "password": "wrong-pass1", "name": "x"},
        )
        assert response.status_code == 401
        assert response.json()["detail"] == "邮箱或密码不正确"

    def test_failed_logins_through_the_api_earn_a_wait(
        self, client: TestClient, member: User
    ) -> None:
        body = {"email": member.email, "password": "wrong-pass1", "name": "x"}
        for _ in range(5):
            assert client.post("/api/v1/auth/tokens", json=body).status_code == 401
        body["password"] = PASSWORD
        held = client.post("/api/v1/auth/tokens", json=body)
        assert held.status_code == 429
        assert held.headers["content-type"].startswith(PROBLEM)
        assert int(held.headers["retry-after"]) == 30 == held.json()["retry_after"]
        assert held.json()["detail"].startswith("登录失败次数过多，请30秒后再试")

    def test_malformed_authorization_header(self, client: TestClient) -> None:
        response = client.get("/api/v1/me", headers={"Authorization": "Token abc"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"

    def test_anonymous_me_is_401_problem(self, client: TestClient) -> None:
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert response.headers["content-type"].startswith(PROBLEM)
