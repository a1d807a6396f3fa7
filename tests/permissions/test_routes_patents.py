"""专利查新: importing records, commissions, marking hits and the issued report, walked by
every role (see test_route_coverage.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.permissions import Action
from app.models import Organization, Patent, User
from app.models.enums import NoveltyPurpose
from app.patents import commissions, records
from tests.patents.conftest import jsonl, real_patents
from tests.permissions.test_matrix import ALLOWED, OWN_ALLOWED
from tests.permissions.world import SIGNED_IN, Route, World, assert_walk, build_world

RECORD_KEEPERS = ALLOWED[Action.PATENT_RECORDS]
SEARCHERS = ALLOWED[Action.NOVELTY_SEARCH]
#: The agency, the requester (the org member) and the requester's organisation; everyone
#: else is told the commission does not exist.
VIEWERS = OWN_ALLOWED[Action.NOVELTY_VIEW]
ON_ITS_MERITS = frozenset({409, 422})
COMMISSION = {
    "project_name": "再生铝硅合金棒",
    "purpose": "project",
    "tech_points": "以再生铝为原料连续铸造铝硅合金棒",
    "points": ["再生铝除杂精炼", "铝硅合金棒连续铸造"],
}
PAPER = json.dumps(
    {
        "ref_no": "10.1000/kc.2024.001",
        "title": "再生铝熔体净化研究",
        "abstract": "研究了再生铝熔体的除杂与净化工艺。",
    },
    ensure_ascii=False,
).encode()


def _patent_file() -> dict[str, tuple[str, bytes, str]]:
    row = real_patents(1)[0] | {"application_no": "CN202010999999"}
    return {"file": ("patents.jsonl", jsonl([row]), "application/x-ndjson")}


@dataclass(frozen=True)
class PatentsWorld(World):
    # The org member's second commission, searched (hits to mark), and a third one issued.
    searched: int
    issued: int
    patent: int


@pytest.fixture(scope="module")
def world(session: Session, target: Organization, people: dict[str, User | None]) -> PatentsWorld:
    base = build_world(session, target, people)
    member, searcher = people["org_member"], people["novelty_searcher"]
    reviewer = people["novelty_reviewer"]
    assert member and searcher and reviewer
    report = records.import_file(
        session, Actor(user=searcher), "patents.jsonl", jsonl(real_patents(5))
    )
    assert not report.refused, report.errors
    searched, issued = (
        commissions.create(session, Actor(user=member), purpose=NoveltyPurpose.PROJECT, **fields)
        for fields in (
            {"project_name": "铝硅合金棒", "tech_points": "再生铝生产", "points": ["再生铝除杂"]},
            {"project_name": "液冷板", "tech_points": "吹胀成型", "points": ["吹胀成型流道"]},
        )
    )
    for commission in (searched, issued):
        commissions.run_search(session, Actor(user=searcher), commission)
    commissions.save_draft(session, Actor(user=searcher), issued, {}, "", finish=True)
    commissions.submit(session, Actor(user=searcher), issued)
    commissions.issue(session, Actor(user=reviewer), issued)
    patent = session.query(Patent).order_by(Patent.id).first()
    assert patent is not None
    session.flush()
    return PatentsWorld(**asdict(base), searched=searched.id, issued=issued.id, patent=patent.id)


ROUTES: list[Route] = [
    # Patent and literature records: the agency (and the platform administrator).
    Route("POST", "/api/v1/patents/import", RECORD_KEEPERS, files=_patent_file()),
    Route("POST", "/patents/import", RECORD_KEEPERS, files=_patent_file()),
    Route(
        "POST",
        "/api/v1/patents/literature/import",
        RECORD_KEEPERS,
        files={"file": ("papers.jsonl", PAPER, "application/x-ndjson")},
    ),
    Route(
        "POST",
        "/patents/literature/import",
        RECORD_KEEPERS,
        files={"file": ("papers.jsonl", PAPER, "application/x-ndjson")},
    ),
    # A commission: anyone signed in asks for one.
    Route("POST", "/api/v1/patents/commissions", SIGNED_IN, COMMISSION),
    Route(
        "POST",
        "/patents/commissions",
        SIGNED_IN,
        COMMISSION | {"points": "\n".join(COMMISSION["points"])},
    ),
    # Searching and marking: the 查新员; the requester's side sees the commission but may not.
    Route("POST", "/patents/commissions/{novelty}/search", SEARCHERS, seen_by=VIEWERS),
    Route(
        "POST",
        "/api/v1/patents/commissions/{searched}/points/1/marks",
        SEARCHERS,
        lambda w: {"patent_id": w.patent, "relevant": True},  # type: ignore[attr-defined]
        seen_by=VIEWERS,
    ),
    # The issued report: whoever sees the commission.
    Route("GET", "/api/v1/patents/commissions/{issued}/report.pdf", VIEWERS, seen_by=set()),
    Route("GET", "/patents/commissions/{issued}/report", VIEWERS, seen_by=set()),
    Route("GET", "/patents/commissions/{issued}/report.pdf", VIEWERS, seen_by=set()),
]


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_patent_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: PatentsWorld,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
