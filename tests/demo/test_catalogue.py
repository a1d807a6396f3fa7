"""The demo catalogue: loaded once, valid by the platform's own rules, looking alive."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.db import utcnow
from app.core.indexing import SEARCH_TOPIC
from app.core.regions import REGIONS
from app.demo.achievement_text import patent_check_digit
from app.demo.catalogue import ORG_KEYS, fitting, load_catalogue
from app.demo.data.enterprises import ENTERPRISES
from app.demo.data.topics import FIT_HOLDERS, SECTORS
from app.demo.seed import seed
from app.listings.schemas import CHALLENGE_REWARD_CAP, CONFIDENTIAL_SECTIONS, FIELDS_BY_KIND
from app.listings.service import missing_for_submit
from app.models import (
    Achievement,
    Challenge,
    ChallengePanel,
    Demand,
    Listing,
    Organization,
    OutboxMessage,
    User,
)
from app.models.enums import ListingKind, ListingStatus, MaturityStage, OrgRole, OrgType
from app.taxonomy import service as taxonomy

S = ListingStatus


@pytest.fixture
def listings(session: Session) -> list[Listing]:
    assert seed(session)
    return list(session.scalars(select(Listing).order_by(Listing.id)))


def test_seeding_twice_loads_the_catalogue_once(session: Session) -> None:
    assert seed(session)
    first = session.scalar(select(func.count(Listing.id)))
    assert not seed(session)
    assert load_catalogue(session) == {}
    assert session.scalar(select(func.count(Listing.id))) == first


def test_counts_per_kind_and_status(listings: list[Listing]) -> None:
    kinds = Counter(listing.kind for listing in listings)
    assert 280 <= kinds[ListingKind.ACHIEVEMENT] <= 320
    assert 130 <= kinds[ListingKind.DEMAND] <= 170
    assert 10 <= kinds[ListingKind.CHALLENGE] <= 15
    states = Counter((listing.kind, listing.status) for listing in listings)
    for kind in ListingKind:
        # On view: published, or (the demo's awarded challenge) 已揭榜.
        on_view = states[(kind, S.PUBLISHED)] + states[(kind, S.AWARDED)]
        assert on_view >= 0.7 * kinds[kind]
        assert states[(kind, S.SUBMITTED)] >= 1  # the review queue has work
    for kind in (ListingKind.ACHIEVEMENT, ListingKind.DEMAND):
        for status in (S.DRAFT, S.RETURNED, S.EXPIRED, S.CLOSED):
            assert 3 <= states[(kind, status)] <= 20


def test_every_listing_passes_its_schema_and_the_submit_check(
    session: Session, listings: list[Listing]
) -> None:
    for listing in listings:
        schema = FIELDS_BY_KIND[listing.kind]
        data = {
            name: getattr(listing, name) for name in schema.model_fields if hasattr(listing, name)
        }
        schema.model_validate(data)
        assert set(listing.confidential) <= set(CONFIDENTIAL_SECTIONS[listing.kind])
        if listing.status != S.DRAFT:
            assert missing_for_submit(listing) == {}, listing.title


def test_codes_are_taxonomy_terms_and_titles_unique(
    session: Session, listings: list[Listing]
) -> None:
    fields = taxonomy.names(session, "field")
    industries = taxonomy.names(session, "industry")
    reasons = taxonomy.names(session, "return_reason")
    for listing in listings:
        assert listing.field_code in fields
        assert listing.industry_code in industries
        assert listing.region_code in REGIONS
        if listing.status == S.RETURNED:
            assert listing.return_reason_code in reasons
            assert listing.return_reason_text
        else:
            assert listing.return_reason_code is None
        if listing.status == S.CLOSED:
            assert listing.close_reason
    titles = [listing.title for listing in listings]
    assert len(titles) == len(set(titles))
    # Mostly sub-fields, and every top-level field the city cares about is present.
    assert sum(len(listing.field_code or "") == 5 for listing in listings) > 0.9 * len(listings)
    assert {listing.industry_code for listing in listings} >= {
        "auto",
        "optoelectronics",
        "health",
        "agrifood",
        "materials",
        "equipment",
        "digital",
        "energy",
        "chemicals",
    }


def test_holders_owners_and_regions(session: Session, listings: list[Listing]) -> None:
    orgs = {o.id: o for o in session.scalars(select(Organization))}
    by_kind: dict[ListingKind, Counter[OrgType]] = {kind: Counter() for kind in ListingKind}
    for listing in listings:
        owner = session.get(User, listing.owner_id)
        assert owner is not None
        assert owner.org_id == listing.org_id
        assert owner.org_role == OrgRole.ADMIN
        assert listing.contact_name and listing.contact_phone
        org = orgs[listing.org_id]
        assert org.region_code == listing.region_code
        by_kind[listing.kind][org.org_type] += 1
    research = (OrgType.UNIVERSITY, OrgType.INSTITUTE, OrgType.NEW_RD)
    achievements = by_kind[ListingKind.ACHIEVEMENT]
    assert sum(achievements[t] for t in research) > 0.9 * sum(achievements.values())
    assert set(by_kind[ListingKind.DEMAND]) == {OrgType.ENTERPRISE}
    assert set(by_kind[ListingKind.CHALLENGE]) == {OrgType.ENTERPRISE}


def test_achievement_facts_are_consistent(listings: list[Listing]) -> None:
    trl = {
        MaturityStage.LAB: {3, 4},
        MaturityStage.SMALL_PILOT: {5},
        MaturityStage.PILOT: {6, 7},
        MaturityStage.INDUSTRIAL: {8, 9},
    }
    achievements = [a for a in listings if isinstance(a, Achievement)]
    for achievement in achievements:
        assert achievement.maturity is not None
        assert achievement.trl in trl[achievement.maturity]
        assert 2 <= len(achievement.inventors) <= 7
        for item in achievement.ip_items:
            if item["type"] == "patent":
                number = item["number"]  # e.g. "ZL2023 1 0123456.7"
                digits = number[2:].replace(" ", "").split(".")
                assert len(digits[0]) == 12
                assert patent_check_digit(digits[0]) == digits[1]
    prices = [a.price for a in achievements]
    assert 0.2 < prices.count(None) / len(prices) < 0.6  # a good share 面议
    assert all(p is None or p >= Decimal(100_000) for p in prices)


def test_demands_and_challenges(session: Session, listings: list[Listing]) -> None:
    today = utcnow().date()
    # The demo runs two challenges past their deadline into expert review and award.
    reviewed = set(session.scalars(select(ChallengePanel.challenge_id)))
    demands = [d for d in listings if isinstance(d, Demand)]
    assert any(d.budget_max is None for d in demands)
    assert any(d.budget_min is not None for d in demands)
    for demand in demands:
        if demand.status in (S.DRAFT, S.RETURNED, S.SUBMITTED, S.PUBLISHED):
            assert demand.deadline is None or demand.deadline >= today
    challenges = [c for c in listings if isinstance(c, Challenge)]
    for challenge in challenges:
        assert Decimal(300_000) <= challenge.reward <= CHALLENGE_REWARD_CAP
        assert sum(c["weight"] for c in challenge.criteria) == 100
        if challenge.status == S.PUBLISHED and challenge.id not in reviewed:
            assert challenge.application_deadline > today


def test_dates_and_search_outbox(session: Session, listings: list[Listing]) -> None:
    now = utcnow()
    valid = timedelta(days=get_settings().listing_valid_days)
    published = [listing for listing in listings if listing.status == S.PUBLISHED]
    for listing in published:
        assert listing.published_at is not None and listing.expires_at is not None
        assert listing.published_at <= now
        assert listing.expires_at == listing.published_at + valid
        assert listing.expires_at > now
    soon = [p for p in published if p.expires_at and p.expires_at <= now + timedelta(days=14)]
    assert len(soon) >= 5  # the expiry reminders have something to do
    months = {(p.published_at.year, p.published_at.month) for p in published if p.published_at}
    assert len(months) >= 10  # spread over the year
    for listing in listings:
        if listing.status == S.EXPIRED:
            assert listing.expires_at is not None and listing.expires_at <= now
        if listing.status in (S.DRAFT, S.SUBMITTED, S.RETURNED):
            assert listing.published_at is None
    queued = {
        (m.payload["type"], m.payload["id"])
        for m in session.scalars(select(OutboxMessage).where(OutboxMessage.topic == SEARCH_TOPIC))
    }
    for listing in published:
        assert (listing.kind.value, str(listing.id)) in queued
    # The demo's awarded challenge was published, and is queued again to leave the index.
    unpublished = [
        listing for listing in listings if listing.status not in (S.PUBLISHED, S.AWARDED)
    ]
    assert not any((u.kind.value, str(u.id)) in queued for u in unpublished)


def test_patent_check_digit_and_form_filter() -> None:
    # 2·2+0·3+2·4+3·5+1·6+0·7+1·8+2·9+3·2+4·3+5·4+6·5 = 127 ≡ 6 (mod 11)
    assert patent_check_digit("202310123456") == "6"
    lines = ["dev sys|整机防护IP67", "通用要求", "sw|时延≤50ms"]
    assert fitting(lines, "dev") == ["整机防护IP67", "通用要求"]
    assert fitting(lines, "sw") == ["通用要求", "时延≤50ms"]


def _most_shared(texts: list[str], size: int) -> tuple[str, float]:
    """The ``size``-character run found in most texts, and the share of texts holding it."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({text[i : i + size] for i in range(len(text) - size + 1)})
    run, count = counts.most_common(1)[0]
    return run, count / len(texts)


def _layout(description: str) -> tuple[str, ...]:
    """The headings a description is laid out with ("¶" for a paragraph without one)."""
    layout = []
    for paragraph in description.split("\n\n"):
        first = paragraph.split("\n", 1)[0]
        head = first.split("：", 1)[0] if "：" in first[:12] else first
        layout.append(head if len(head) <= 12 and head != paragraph else "¶")
    return tuple(layout)


class TestVariety:
    """The catalogue reads like many people wrote it, not like one template filled in."""

    def test_achievement_titles_share_no_ending(self, listings: list[Listing]) -> None:
        titles = [a.title for a in listings if isinstance(a, Achievement)]
        for size, cap in ((4, 0.06), (6, 0.05)):
            ending, count = Counter(t[-size:] for t in titles).most_common(1)[0]
            assert count / len(titles) <= cap, (ending, count)

    def test_achievements_are_laid_out_by_their_holders(self, listings: list[Listing]) -> None:
        achievements = [a for a in listings if isinstance(a, Achievement)]
        layouts = Counter(_layout(a.description)[:3] for a in achievements)
        assert len(layouts) >= 5
        assert layouts.most_common(1)[0][1] <= 0.4 * len(achievements)
        run, share = _most_shared([a.summary for a in achievements], 10)
        assert share <= 0.12, run

    def test_achievements_are_held_by_who_would_really_hold_them(
        self, session: Session, listings: list[Listing]
    ) -> None:
        """No bone screws from the optics institute, no relic scanning from the car institute."""
        names = {o.id: o.name for o in session.scalars(select(Organization))}
        checked = 0
        for a in (x for x in listings if isinstance(x, Achievement)):
            topic = max((t for t in FIT_HOLDERS if t in a.title), key=len, default=None)
            if topic is None:
                continue
            fit = {ORG_KEYS[k] for k in FIT_HOLDERS[topic]}
            assert names[a.org_id] in fit, (a.title, names[a.org_id])
            checked += 1
        assert checked >= len(FIT_HOLDERS) // 2

    def test_demands_come_from_many_enterprises(self, listings: list[Listing]) -> None:
        demands = [d for d in listings if isinstance(d, Demand) and d.status == S.PUBLISHED]
        per_org = Counter(d.org_id for d in demands)
        assert len(per_org) >= 15
        assert per_org.most_common(1)[0][1] <= 0.15 * len(demands)

    def test_demands_are_written_in_many_ways(self, listings: list[Listing]) -> None:
        demands = [d for d in listings if isinstance(d, Demand)]
        ending, count = Counter(d.title[-4:] for d in demands).most_common(1)[0]
        assert count <= 0.12 * len(demands), ending
        start, count = Counter(d.title[:2] for d in demands).most_common(1)[0]
        assert count <= 0.12 * len(demands), start
        run, share = _most_shared([d.summary for d in demands], 10)
        assert share <= 0.12, run
        run, share = _most_shared([d.problem for d in demands], 10)
        assert share <= 0.12, run
        layouts = Counter(_layout(d.description)[:2] for d in demands)
        assert len(layouts) >= 5
        assert layouts.most_common(1)[0][1] <= 0.35 * len(demands)

    def test_enterprises_ask_about_topics_that_exist(self) -> None:
        names = {topic.name for sector in SECTORS for topic in sector.topics}
        for enterprise in ENTERPRISES:
            assert set(enterprise.topics) <= names, enterprise.name
