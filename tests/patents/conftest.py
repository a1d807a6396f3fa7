"""Real patents (shared/data/patents/dev.jsonl) imported through the service.

The source has no application numbers, IPC codes, applicants or dates; the values the tests
need are invented here, deterministically: 申请号 CN2020100000NN, applicant and IPC cycle
through the lists below, 申请日 counts back from 2024-06-01 one month a patent.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import User
from app.models.enums import Role
from app.patents import records
from tests.factories.accounts import make_user

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "patents" / "dev.jsonl"
if not DATA.exists():
    DATA = Path("/work/shared/data/patents/dev.jsonl")
APPLICANTS = ["吉林大学", "长春光机所", "一汽集团研发总院", "长春理工大学"]
IPCS = ["C22C 21/02", "G01N 21/35", "H01M 10/05", "B60L 58/12"]
STATUSES = ["granted", "pending", "lapsed"]


def months_back(start: date, months: int) -> date:
    total = start.year * 12 + start.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)


def real_patents(n: int = 40) -> list[dict[str, Any]]:
    rows = []
    with DATA.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= n:
                break
            src = json.loads(line)
            rows.append(
                {
                    "application_no": f"CN2020100000{i:02d}",
                    "publication_no": src.get("publication_number") or "",
                    "title": src["title"],
                    "abstract": src["abstract"],
                    "claims": src["claims"],
                    "ipc": IPCS[i % 4],
                    "applicants": APPLICANTS[i % 4],
                    "inventors": f"发明人{i}",
                    "application_date": months_back(date(2024, 6, 1), i).isoformat(),
                    "legal_status": STATUSES[i % 3],
                }
            )
    return rows


def jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


@pytest.fixture
def searcher(session: Session) -> User:
    return make_user(session, role=Role.NOVELTY_SEARCHER, name="查新员小刘")


@pytest.fixture
def reviewer(session: Session) -> User:
    return make_user(session, role=Role.NOVELTY_REVIEWER, name="审核员老陈")


@pytest.fixture
def patents(session: Session, searcher: User) -> list[dict[str, Any]]:
    rows = real_patents()
    report = records.import_file(session, Actor(user=searcher), "patents.jsonl", jsonl(rows))
    assert not report.refused, report.errors
    session.flush()
    return rows
