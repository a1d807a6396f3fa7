from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Organization, User
from app.models.enums import ListingStatus
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_image_public_document_for_verified_users_only(
    client: TestClient, session: Session, org: Organization, org_admin: User
) -> None:
    listing = make_listing(session, org, org_admin)
    headers = bearer(session, org_admin)
    url = f"/api/v1/achievements/{listing.id}/attachments"
    image = client.post(
        url,
        headers=headers,
        data={"category": "image"},
        files={"file": ("产品照片.png", PNG, "image/png")},
    )
    assert image.status_code == 201, image.text
    doc = client.post(
        url,
        headers=headers,
        data={"category": "document"},
        files={"file": ("技术说明.pdf", PDF, "application/pdf")},
    )
    assert doc.status_code == 201
    assert (
        client.post(
            url,
            headers=headers,
            data={"category": "document"},
            files={"file": ("方案.docx", _docx(), "application/octet-stream")},
        ).status_code
        == 201
    )

    public = client.get(f"/api/v1/achievements/{listing.id}").json()
    assert [a["filename"] for a in public["attachments"]] == ["产品照片.png"]

    assert client.get(doc.json()["url"]).status_code == 401

    buyer = make_user(session, org=make_org(session))
    downloaded = client.get(doc.json()["url"], headers=bearer(session, buyer))
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert "attachment" in downloaded.headers["content-disposition"]


def test_type_and_size_are_checked_by_content(
    client: TestClient, session: Session, org: Organization, org_admin: User
) -> None:
    listing = make_listing(session, org, org_admin)
    url = f"/api/v1/achievements/{listing.id}/attachments"
    headers = bearer(session, org_admin)
    disguised = client.post(
        url,
        headers=headers,
        data={"category": "image"},
        files={"file": ("photo.png", b"MZ\x90\x00 not an image", "image/png")},
    )
    assert disguised.status_code == 422
    assert "图片只接受 PNG、JPG、WEBP 格式" in disguised.json()["errors"]["file"]
    big = PNG + b"\x00" * (5 * 1024 * 1024)
    too_big = client.post(
        url,
        headers=headers,
        data={"category": "image"},
        files={"file": ("big.png", big, "image/png")},
    )
    assert too_big.status_code == 422 and "不能超过 5 MB" in too_big.json()["errors"]["file"]


def test_only_editors_upload(
    client: TestClient, session: Session, org: Organization, org_admin: User, member: User
) -> None:
    listing = make_listing(session, org, org_admin)
    response = client.post(
        f"/api/v1/achievements/{listing.id}/attachments",
        headers=bearer(session, member),
        data={"category": "image"},
        files={"file": ("a.png", PNG, "image/png")},
    )
    assert response.status_code == 403


def test_a_closed_listing_keeps_its_attachments_as_they_were(
    client: TestClient, session: Session, org: Organization, org_admin: User
) -> None:
    listing = make_listing(session, org, org_admin)
    headers = bearer(session, org_admin)
    url = f"/api/v1/achievements/{listing.id}/attachments"
    image = client.post(
        url,
        headers=headers,
        data={"category": "image"},
        files={"file": ("a.png", PNG, "image/png")},
    )
    assert image.status_code == 201
    listing.status = ListingStatus.CLOSED
    session.flush()

    added = client.post(
        url,
        headers=headers,
        data={"category": "image"},
        files={"file": ("b.png", PNG, "image/png")},
    )
    assert added.status_code == 409
    assert added.json()["detail"] == "已关闭的信息不能修改"
    assert client.delete(image.json()["url"], headers=headers).status_code == 409
    assert client.get(image.json()["url"], headers=headers).content == PNG
