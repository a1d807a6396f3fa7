from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.core import outbox
from app.models import Organization, User
from app.models.enums import MembershipStatus, OrgRole, OrgStatus
from tests.factories.accounts import PASSWORD, make_user, unique_credit_code
from tests.factories.fixtures import csrf_from, login, page_csrf


class TestLogin:
    def test_login_and_logout(self, client: TestClient, member: User) -> None:
        login(client, member)
        home = client.get("/")
        assert member.name in home.text and "退出" in home.text
        client.post("/logout", data={"csrf_token": page_csrf(client)})
        assert "登录" in client.get("/").text and member.name not in client.get("/").text

    def test_wrong_password_is_explained(self, client: TestClient, member: User) -> None:
        token = page_csrf(client, "/login")
        response = client.post(
            "/login", data={"email": member.email, "password": "nope-123", "csrf_token": token}
        )
        assert response.status_code == 401
        assert "邮箱或密码不正确" in response.text

    def test_forged_csrf_token_is_refused(self, client: TestClient, member: User) -> None:
        client.get("/login")
        response = client.post(
            "/login", data={"email": member.email, "password": PASSWORD, "csrf_token": "forged"}
        )
        assert response.status_code == 403
        assert "请求校验失败" in response.text
        assert "退出" not in client.get("/").text

    def test_next_only_goes_to_this_site(self, client: TestClient, member: User) -> None:
        token = page_csrf(client, "/login")
        response = client.post(
            "/login",
            data={
                "email": member.email,
                "password": PASSWORD,
                "csrf_token": token,
                "next": "//evil.example",
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"

    def test_password_change_signs_out_other_sessions(
        self, app: object, client: TestClient, member: User
    ) -> None:
        other = TestClient(app)  # type: ignore[arg-type]
        login(other, member)
        login(client, member)
        token = page_csrf(client, "/me")
        response = client.post(
            "/me/password",
            data={
                "current_password": PASSWORD,
                "new_password": "Songhua-River#88",
                "csrf_token": token,
            },
        )
        assert response.status_code == 200 and "密码已修改" in response.text
        assert other.get("/me").status_code == 401
        assert client.get("/me").status_code == 200

    def test_weak_new_password_is_refused_and_sessions_stay(
        self, app: object, client: TestClient, member: User
    ) -> None:
        other = TestClient(app)  # type: ignore[arg-type]
        login(other, member)
        login(client, member)
        response = client.post(
            "/me/password",
            data={
                "current_password": PASSWORD,
                "new_password": "qwerty123",
                "csrf_token": page_csrf(client, "/me"),
            },
        )
        assert response.status_code == 422
        assert "密码太容易被猜到：这是常见密码或其简单变形" in response.text
        assert other.get("/me").status_code == 200


class TestRegisterPage:
    def _form(self, client: TestClient, **overrides: str) -> dict[str, str]:
        data = {
            "csrf_token": page_csrf(client, "/register"),
            "name": "周晓光",
            "email": "zhou@cust.example.cn",
            "phone": "13800000000",
            "password": "Hongqi-Jiefang-1953",
            "password_confirm": "Hongqi-Jiefang-1953",
            "org_mode": "new",
            "org.name": "长春示范光电有限公司",
            "org.credit_code": unique_credit_code(),
            "org.org_type": "enterprise",
            "org.region_code": "220173",
        }
        data.update(overrides)
        return data

    def test_bad_credit_code_is_shown_inline_and_input_kept(self, client: TestClient) -> None:
        data = self._form(client, **{"org.credit_code": "91220101MA0Y45678X"})
        response = client.post("/register", data=data)
        assert response.status_code == 422
        assert "校验位不正确" in response.text
        assert 'value="长春示范光电有限公司"' in response.text

    def test_mismatched_passwords(self, client: TestClient) -> None:
        response = client.post("/register", data=self._form(client, password_confirm="Other123"))
        assert "两次输入的密码不一致" in response.text

    def test_success_signs_in_and_shows_pending_notice(
        self, client: TestClient, session: Session
    ) -> None:
        response = client.post("/register", data=self._form(client))
        assert response.status_code == 200, response.text
        assert "机构资料已提交审核" in response.text
        assert "正在等待平台审核" in response.text
        org = session.scalars(
            select(Organization).where(Organization.name == "长春示范光电有限公司")
        ).one()
        assert org.status == OrgStatus.PENDING

    def test_existing_code_points_to_join(self, client: TestClient, org: Organization) -> None:
        response = client.post(
            "/register", data=self._form(client, **{"org.credit_code": org.credit_code})
        )
        assert response.status_code == 409
        assert "该统一社会信用代码已注册" in response.text

    def test_refused_registration_leaves_no_account_and_can_be_corrected(
        self, client: TestClient, org: Organization, session: Session
    ) -> None:
        taken = client.post(
            "/register", data=self._form(client, **{"org.credit_code": org.credit_code})
        )
        assert taken.status_code == 409
        assert client.get("/me", follow_redirects=False).status_code == 401
        corrected = client.post("/register", data=self._form(client))
        assert corrected.status_code == 200, corrected.text
        assert "机构资料已提交审核" in corrected.text
        assert "该邮箱已注册" not in corrected.text
        user = session.scalars(select(User).where(User.email == "zhou@cust.example.cn")).one()
        assert user.org_role == OrgRole.ADMIN


class TestOrgFromProfile:
    def test_person_without_org_registers_one_from_me(
        self, client: TestClient, session: Session
    ) -> None:
        person = make_user(session)
        login(client, person)
        page = client.get("/me")
        assert "尚未加入机构" in page.text and 'action="/me/org"' in page.text
        response = client.post(
            "/me/org",
            data={
                "csrf_token": csrf_from(page.text),
                "org_mode": "new",
                "org.name": "长春示范光电有限公司",
                "org.credit_code": unique_credit_code(),
                "org.org_type": "enterprise",
                "org.region_code": "220173",
            },
        )
        assert response.status_code == 200, response.text
        assert "机构资料已提交审核" in response.text
        assert "长春示范光电有限公司" in response.text and 'action="/me/org"' not in response.text
        session.refresh(person)
        assert person.org_role == OrgRole.ADMIN

    def test_person_without_org_asks_to_join_one(
        self, client: TestClient, session: Session, org: Organization
    ) -> None:
        person = make_user(session)
        login(client, person)
        response = client.post(
            "/me/org",
            data={
                "csrf_token": page_csrf(client, "/me"),
                "org_mode": "existing",
                "existing_credit_code": "91220000000000000X",
            },
        )
        assert response.status_code == 422
        assert "没有找到该统一社会信用代码对应的机构" in response.text
        assert 'value="91220000000000000X"' in response.text
        response = client.post(
            "/me/org",
            data={
                "csrf_token": page_csrf(client, "/me"),
                "org_mode": "existing",
                "existing_credit_code": org.credit_code,
            },
        )
        assert "加入机构的申请已提交" in response.text
        assert "加入申请正在等待机构管理员批准" in response.text
        session.refresh(person)
        assert (person.org_id, person.membership_status) == (org.id, MembershipStatus.PENDING)


class TestTokensPage:
    def test_token_shown_once_then_revoked(self, client: TestClient, member: User) -> None:
        login(client, member)
        response = client.post(
            "/me/tokens",
            data={
                "csrf_token": page_csrf(client, "/me"),
                "name": "数据同步",
                "expires_in_days": "30",
            },
        )
        match = re.search(r"data-new-token>(kc_[^<]+)<", response.text)
        assert match, "new token not shown"
        raw = match.group(1)
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
        )
        page = client.get("/me").text
        assert raw not in page and "数据同步" in page
        token_id = re.search(r"/me/tokens/(\d+)/revoke", page)
        assert token_id
        client.post(f"/me/tokens/{token_id.group(1)}/revoke", data={"csrf_token": csrf_from(page)})
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
        )


class TestPasswordReset:
    def test_mail_link_resets_once(
        self,
        client: TestClient,
        member: User,
        session_factory: sessionmaker[Session],
        var_dir: object,
    ) -> None:
        client.post(
            "/password/forgot",
            data={"csrf_token": page_csrf(client, "/password/forgot"), "email": member.email},
        )
        assert outbox.drain(session_factory, topics={"mail.send"}) == 1
        mail = (var_dir / "mail.log").read_text(encoding="utf-8")  # type: ignore[operator]
        links = re.findall(r"/password/reset\?token=([\w-]+)", mail)
        token = links[-1]
        form = {
            "csrf_token": page_csrf(client, f"/password/reset?token={token}"),
            "token": token,
            "password": "Jingyue-Lake#2026",
            "password_confirm": "Jingyue-Lake#2026",
        }
        weak = client.post(
            "/password/reset",
            data={**form, "password": "1qaz2wsx3edc", "password_confirm": "1qaz2wsx3edc"},
        )
        assert weak.status_code == 422 and "密码太容易被猜到" in weak.text
        response = client.post("/password/reset", data=form)
        assert "密码已重置" in response.text
        again = client.post("/password/reset", data=form)
        assert again.status_code == 422 and "链接无效或已过期" in again.text
        login(client, member, "Jingyue-Lake#2026")

    def test_unknown_email_gets_same_answer_and_no_mail(
        self, client: TestClient, session: Session
    ) -> None:
        response = client.post(
            "/password/forgot",
            data={
                "csrf_token": page_csrf(client, "/password/forgot"),
                "email": "nobody@example.cn",
            },
        )
        assert "如果该邮箱已注册" in response.text
        from app.models import OutboxMessage

        assert session.scalars(select(OutboxMessage)).all() == []
