"""The registration certificate PDF carries its Chinese font, so it reads in any viewer."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.core import pdf
from app.core.audit import Actor
from app.core.config import get_settings
from app.core.errors import ServiceUnavailable
from app.models.enums import OrgRole, OrgType, Role
from app.trading import service, statistics
from tests.factories.accounts import make_org, make_user
from tests.factories.trading import make_contract


def _pdffonts() -> str:
    found = shutil.which("pdffonts")
    if not found:
        message = "pdffonts not found (apt-get install poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def _fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """pdffonts' table: one row per font, with the columns emb, sub and uni as yes/no."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([_pdffonts(), str(path)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]  # a header line and a rule
    return [row.split() for row in rows]


@pytest.fixture
def certificate(session: Session) -> bytes:
    seller = make_org(session, name="吉林大学（测试）", org_type=OrgType.UNIVERSITY)
    buyer = make_org(session, name="长春启明星汽车电子有限公司")
    clerk = make_user(session, org=seller, org_role=OrgRole.ADMIN, name="成果处王老师")
    admin = Actor(user=make_user(session, role=Role.PLATFORM_ADMIN))
    contract = make_contract(session, clerk, seller, buyer, title="车规级毫米波雷达技术转让")
    service.submit_registration(session, Actor(user=clerk), contract)
    service.approve_registration(session, admin, contract)
    return statistics.certificate_pdf(session, contract)


def test_every_font_is_an_embedded_subset(certificate: bytes, tmp_path: Path) -> None:
    fonts = _fonts(certificate, tmp_path)
    assert fonts, "the certificate names no font"
    for row in fonts:
        emb, sub, uni = row[-5], row[-4], row[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), " ".join(row)


def test_the_text_is_chinese_a_reader_can_extract(certificate: bytes, tmp_path: Path) -> None:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate)
    pdftotext = shutil.which("pdftotext") or pytest.skip("pdftotext not found")
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True).stdout
    assert "技术合同认定登记证明" in text
    assert "车规级毫米波雷达技术转让" in text


def test_a_server_without_a_chinese_font_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(get_settings(), "pdf_font_path", str(tmp_path / "missing.ttf"))
    with pytest.raises(ServiceUnavailable, match="缺少中文字体"):
        pdf.font_path()
