"""Published listings as search documents, one source per kind.

Only what the public may read is indexed (title, keywords, summary and public facts), so a
snippet can never reveal a section that tiered disclosure hides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from app.core.regions import region_name
from app.listings import repository
from app.models import Achievement, Challenge, Demand, Listing
from app.models.enums import ListingKind, TransferMode
from app.search.service import DocumentSource, register_source
from app.taxonomy import service as taxonomy
from search.base import SearchDocument

FACETS = {
    "field": "技术领域",
    "industry": "产业",
    "maturity": "成熟度",
    "transfer_mode": "转化方式",
    "region": "区域",
    "price_band": "价格区间",
    "org_type": "机构类型",
}

PRICE_BANDS = [
    (Decimal(100_000), "10万元以下"),
    (Decimal(500_000), "10万–50万元"),
    (Decimal(1_000_000), "50万–100万元"),
    (Decimal(5_000_000), "100万–500万元"),
]


def price_band(amount: Decimal | None) -> str:
    if amount is None:
        return "面议"
    for upper, label in PRICE_BANDS:
        if amount < upper:
            return label
    return "500万元以上"


def _modes(codes: list[str]) -> list[str]:
    return [TransferMode(c).label for c in codes if c in TransferMode._value2member_map_]


def document(session: Session, listing: Listing) -> SearchDocument:
    fields = taxonomy.names(session, "field")
    facets: dict[str, str | list[str]] = {
        "field": taxonomy.top_level_name(session, "field", listing.field_code),
        "region": region_name(listing.region_code),
        "org_type": listing.org.org_type.label,
    }
    if listing.industry_code:
        facets["industry"] = taxonomy.names(session, "industry").get(listing.industry_code, "")
    numbers: dict[str, float] = {}
    facts = [fields.get(listing.field_code or "", ""), listing.org.name]
    if isinstance(listing, Achievement):
        if listing.maturity:
            facets["maturity"] = listing.maturity.label
            facts.append(listing.maturity.label)
        facets["transfer_mode"] = _modes(listing.transfer_modes)
        facets["price_band"] = price_band(listing.price)
        if listing.price is not None:
            numbers["price"] = float(listing.price)
        facts += _modes(listing.transfer_modes)
    elif isinstance(listing, Demand):
        facets["transfer_mode"] = _modes(listing.cooperation_modes)
        facets["price_band"] = price_band(listing.budget_max)
        if listing.budget_max is not None:
            numbers["price"] = float(listing.budget_max)
    elif isinstance(listing, Challenge):
        facets["price_band"] = price_band(listing.reward)
        numbers["price"] = float(listing.reward)
    return SearchDocument(
        type=listing.kind.value,
        id=str(listing.id),
        title=listing.title,
        keywords=list(listing.keywords or []),
        summary=listing.summary,
        body=" ".join(f for f in facts if f),
        facets={k: v for k, v in facets.items() if v},
        numbers=numbers,
        published_at=listing.published_at,
    )


def _source(kind: ListingKind) -> DocumentSource:
    def build(session: Session, ids: Sequence[str]) -> dict[str, SearchDocument]:
        listings = repository.by_ids(session, [int(i) for i in ids])
        return {
            str(listing.id): document(session, listing)
            for listing in listings
            if listing.kind == kind and listing.status.value == "published"
        }

    def all_ids(session: Session) -> Iterable[str]:
        return (str(i) for i in repository.published_ids(session, kind))

    return DocumentSource(
        type=kind.value,
        label=kind.label,
        build=build,
        all_ids=all_ids,
        facets=FACETS,
        url=lambda doc_id: f"/{kind.value}s/{doc_id}",
    )


for _kind in ListingKind:
    register_source(_source(_kind))
