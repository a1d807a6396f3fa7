"""Each required material of the item's guide has its own upload field on the application page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.services import service
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer
from tests.services.helpers import enterprise, voucher_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def test_each_required_material_is_uploaded_in_its_own_field_checked_by_type(
    client: TestClient, session: Session
) -> None:
    _org, user = enterprise(session)
    case = voucher_case(session, user, "50000")
    login(client, user)
    url = f"/services/cases/{case.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.text.count('type="file"') == 3
    assert "创新券申领表（加盖公章）" in page.text and "拟购买科技服务的说明" in page.text
    assert page.text.count("未上传") == 3 and page.text.count("（选填）") == 1

    token = page_csrf(client, url)
    wrong = client.post(
        f"{url}/materials/0",
        data={"csrf_token": token},
        files={"file": ("申领表.png", PNG, "image/png")},
    )
    assert "“创新券申领表（加盖公章）”只接受 PDF 格式" in wrong.text
    assert wrong.text.count("未上传") == 3

    none = client.post(f"{url}/materials/0", data={"csrf_token": token})
    assert "请选择要上传的文件" in none.text

    client.post(
        f"{url}/materials/0",
        data={"csrf_token": token},
        files={"file": ("申领表.pdf", PDF, "application/pdf")},
    )
    certificate = client.post(
        f"{url}/materials/1",
        data={"csrf_token": token},
        files={"file": ("高企证书.png", PNG, "image/png")},
    )
    assert "已上传“高企证书.png”" in certificate.text
    assert "申领表.pdf" in certificate.text and certificate.text.count("未上传") == 1

    again = client.post(
        f"{url}/materials/0",
        data={"csrf_token": token},
        files={"file": ("申领表（盖章版）.pdf", PDF + b"\n", "application/pdf")},
    )
    assert "申领表（盖章版）.pdf" in again.text and "申领表.pdf<" not in again.text
    progress = client.get(f"/api/v1/services/cases/{case.id}", headers=bearer(session, user))
    assert sorted(m["filename"] for m in progress.json()["materials"]) == [
        "申领表（盖章版）.pdf",
        "高企证书.png",
    ]

    early = client.post(f"{url}/submit", data={"csrf_token": token})
    assert early.status_code == 422
    assert "还有1项必需材料未上传：“拟购买科技服务的说明”" in early.text
    slot = early.text.split('data-material="2"')[1].split("</tr>")[0]
    assert "请上传“拟购买科技服务的说明”" in slot and 'aria-invalid="true"' in slot
    assert "申领表（盖章版）.pdf" in early.text and "高企证书.png" in early.text  # kept
    client.post(
        f"{url}/materials/2",
        data={"csrf_token": token},
        files={"file": ("说明.pdf", PDF, "application/pdf")},
    )
    done = client.post(f"{url}/submit", data={"csrf_token": token})
    assert "已提交，流水号 KC" in done.text
    closed = client.get(url)
    assert 'type="file"' not in closed.text and "高企证书.png" in closed.text


def test_the_api_fills_a_material_slot_and_refuses_a_wrong_type(
    client: TestClient, session: Session
) -> None:
    _org, user = enterprise(session)
    case = voucher_case(session, user, "50000")
    mine = bearer(session, user)
    url = f"/api/v1/services/cases/{case.id}/materials"
    wrong = client.post(
        url, data={"material_no": "2"}, files={"file": ("说明.png", PNG, "image/png")}, headers=mine
    )
    assert wrong.status_code == 422 and "PDF、DOCX" in wrong.text
    missing = client.post(
        url,
        data={"material_no": "9"},
        files={"file": ("x.pdf", PDF, "application/pdf")},
        headers=mine,
    )
    assert missing.status_code == 422 and "没有这项材料" in missing.text
    made = client.post(
        url,
        data={"material_no": "2"},
        files={"file": ("说明.pdf", PDF, "application/pdf")},
        headers=mine,
    )
    assert made.status_code == 201, made.text
    slots = service.material_slots(session, case)
    assert slots[2]["file"] is not None and slots[2]["file"].filename == "说明.pdf"
