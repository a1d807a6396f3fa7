"""The dashboard's maintained counts under many writers at once: no increment is lost."""

from __future__ import annotations

from sqlalchemy import select

from app.core.db import session_scope
from app.models import StatCounter
from app.models.enums import ListingKind, ListingStatus, OrgRole, OrgType, Role
from app.statistics import aggregates
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.races.conftest import RaceServer, statuses

PUBLISHERS = 10
INQUIRERS = 6

Counts = dict[tuple[str, ...], tuple[int, int, int]]


def _counters(server: RaceServer, *, recount: bool = False) -> Counts:
    """The counters as the server left them, or as a full recount finds them (not kept)."""
    with server.factory() as s:
        if recount:
            aggregates.rebuild(s.connection())
        rows = s.execute(select(StatCounter)).scalars()
        found = {
            (c.metric, c.kind, c.code, c.region, c.month): (c.n, c.amount_fen, c.tech_amount_fen)
            for c in rows
            if c.n or c.amount_fen or c.tech_amount_fen
        }
        s.rollback()
        return found


def _cell(counts: Counts, metric: str, kind: str, code: str, region: str) -> int:
    return sum(v[0] for k, v in counts.items() if k[:4] == (metric, kind, code, region))


def test_listings_published_at_once_are_each_counted(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        org = make_org(s, org_type=OrgType.UNIVERSITY, region_code="220104")
        owner = make_user(s, org=org, org_role=OrgRole.ADMIN)
        ids = [
            make_listing(s, org, owner, status=ListingStatus.SUBMITTED, field_code="F0901").id
            for _ in range(PUBLISHERS)
        ]
        tokens = [
            race_server.token(s, make_user(s, role=Role.PLATFORM_ADMIN, name=f"审核员{i}"))
            for i in range(PUBLISHERS)
        ]
    before = _counters(race_server)

    responses = race_server.at_once(
        [
            (token, "POST", f"/api/v1/achievements/{i}/publish", {})
            for token, i in zip(tokens, ids, strict=True)
        ]
    )

    assert statuses(responses) == [200] * PUBLISHERS, [r.text for r in responses]
    after = _counters(race_server)
    cell = ("listing", ListingKind.ACHIEVEMENT.value, "F0901", "220104")
    assert _cell(after, *cell) == _cell(before, *cell) + PUBLISHERS
    assert (
        _cell(after, "maturity", "pilot", "", "220104")
        == _cell(before, "maturity", "pilot", "", "220104") + PUBLISHERS
    )
    assert after == _counters(race_server, recount=True)


def test_deals_opened_at_once_on_one_listing_count_it_once(race_server: RaceServer) -> None:
    with session_scope(race_server.factory) as s:
        university = make_org(s, org_type=OrgType.UNIVERSITY, region_code="220106")
        owner = make_user(s, org=university, org_role=OrgRole.ADMIN)
        listing = make_listing(s, university, owner, field_code="F0902")
        tokens = []
        for i in range(INQUIRERS):
            enterprise = make_org(s, org_type=OrgType.ENTERPRISE, name=f"洽谈企业{i}")
            tokens.append(
                race_server.token(s, make_user(s, org=enterprise, org_role=OrgRole.ADMIN))
            )
        listing_id = listing.id
    before = _counters(race_server)
    body = {"listing_id": listing_id, "message": "希望洽谈"}

    responses = race_server.at_once([(t, "POST", "/api/v1/deals", body) for t in tokens])

    assert statuses(responses) == [201] * INQUIRERS, [r.text for r in responses]
    after = _counters(race_server)
    stage = ("stage", "dealt", ListingKind.ACHIEVEMENT.value, "220106")
    assert _cell(after, *stage) == _cell(before, *stage) + 1
    assert after == _counters(race_server, recount=True)
