"""Exporting listings with only what the viewer may see, and the empty templates."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from app.core.errors import PermissionDenied
from app.core.permissions import Action, can
from app.core.regions import REGIONS
from app.core.spreadsheets import csv_bytes, xlsx_bytes
from app.listings import repository, service
from app.listings.schemas import CONFIDENTIAL_SECTIONS
from app.listings.search import price_band
from app.listings.transfer.columns import _ATTRIBUTE, _IP_TYPES, Format, columns
from app.models import (
    Achievement,
    Demand,
    Listing,
    User,
)
from app.models.enums import (
    ListingKind,
    ListingStatus,
    MaturityStage,
    TransferMode,
)
from app.taxonomy import service as taxonomy
from search.analysis import normalize

# -- exporting --------------------------------------------------------------------------------


def _text_filters(filters: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in filters.items():
        values = value if isinstance(value, list | tuple) else [value]
        kept = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if kept:
            out[name] = kept
    return out


def listings_for_export(
    session: Session, viewer: User | None, kind: ListingKind, filters: Mapping[str, Any]
) -> list[Listing]:
    """The listings a filtered list shows: published ones, or with ``mine`` the viewer's
    organisation's in every state. Filters take the list page's values (facet labels) or codes.
    """
    columns(kind)
    wanted = _text_filters(filters)
    if wanted.get("mine", [""])[0] in ("1", "true", "on", "yes"):
        if viewer is None or viewer.active_org_id is None:
            raise PermissionDenied("加入机构后才能导出本机构的信息")
        status = wanted.get("status", [""])[0]
        state = ListingStatus.from_code(status)
        stmt = repository.of_org(session, viewer.active_org_id, kind, state)
    else:
        stmt = repository.published(kind)
    listings = list(session.scalars(stmt.order_by(None).order_by(Listing.id)))
    facets = _Facets(session)
    return [x for x in listings if facets.match(x, wanted)]


class _Facets:
    """The values a listing answers to in each list filter: codes, names and labels."""

    def __init__(self, session: Session) -> None:
        terms = taxonomy.terms(session, "field", include_inactive=True)
        self.field_names = {t.code: t.name for t in terms}
        self.parents = {t.code: t.parent_code for t in terms}
        self.industries = taxonomy.names(session, "industry")

    def _top(self, code: str) -> str:
        while self.parents.get(code):
            code = self.parents[code] or code
        return code

    def values(self, listing: Listing, facet: str) -> set[str]:
        if facet == "field":
            code = listing.field_code or ""
            top = self._top(code)
            return {code, top, self.field_names.get(code, ""), self.field_names.get(top, "")}
        if facet == "industry":
            code = listing.industry_code or ""
            return {code, self.industries.get(code, "")}
        if facet == "region":
            return {listing.region_code, REGIONS.get(listing.region_code, "")}
        if facet == "org_type":
            return {listing.org.org_type.value, listing.org.org_type.label}
        if facet == "maturity":
            stage = getattr(listing, "maturity", None)
            return {stage.value, stage.label} if stage else set()
        if facet == "transfer_mode":
            codes = getattr(listing, "transfer_modes", None) or getattr(
                listing, "cooperation_modes", []
            )
            return set(codes) | {TransferMode(c).label for c in codes}
        if facet == "price_band":
            amount = listing.price if isinstance(listing, Achievement) else None
            if isinstance(listing, Demand):
                amount = listing.budget_max
            return {price_band(amount)}
        return set()

    def match(self, listing: Listing, wanted: dict[str, list[str]]) -> bool:
        for facet, values in wanted.items():
            if facet == "q":
                text = normalize(" ".join([listing.title, listing.summary, *listing.keywords]))
                if not all(normalize(word) in text for v in values for word in v.split()):
                    return False
            elif facet in FILTERS and not (self.values(listing, facet) - {""}) & set(values):
                return False
        return True


# The list page's filters (the search facets), plus free text.
FILTERS = ("field", "industry", "maturity", "transfer_mode", "region", "price_band", "org_type")


_ALWAYS_SHOWN = {"title", "summary", "keywords", "field", "industry", "region", "org"}
_INSIDE_ONLY = {"external_id", "confidential", *service.CONTACT_FIELDS}


def visible_columns(session: Session, viewer: User | None, listing: Listing) -> set[str]:
    """The columns of ``listing`` that ``viewer`` may read, by the tiers of ``service.view``.

    Everybody: the summary and the public facts. People who may see details (verified
    organisations, brokers, experts, staff): the detail sections, except confidential ones
    their organisation was not granted. Contacts, external ids and the confidential list: only
    the owner's organisation and its reviewers — a bulk file of contacts would bypass the
    contact log owners rely on. ``tests/listings/test_transfer.py`` checks this against
    ``service.view`` for every kind of viewer.
    """
    kind = listing.kind
    shown = _ALWAYS_SHOWN | set(service.PUBLIC_FIELDS[kind])
    if viewer is None or not can(viewer, Action.LISTING_SEE_DETAIL, listing):
        return shown
    insider = can(viewer, Action.LISTING_SEE_CONFIDENTIAL, listing)
    granted = (
        insider
        or not listing.confidential
        or repository.has_access(session, listing.id, viewer.active_org_id)
    )
    hidden = set() if granted else set(listing.confidential)
    shown = shown | (set(service.DETAIL_FIELDS[kind]) - hidden)
    return shown | _INSIDE_ONLY if insider else shown


def export_records(
    session: Session, viewer: User | None, kind: ListingKind, listings: Iterable[Listing]
) -> Iterator[dict[str, Any]]:
    """Each listing as {column key: value}; what ``viewer`` may not read is None."""
    for listing in listings:
        visible = visible_columns(session, viewer, listing)
        record: dict[str, Any] = {}
        for column in columns(kind):
            key = column.key
            if key not in visible:
                record[key] = None
            elif key == "org":
                record[key] = listing.org.name
            else:
                record[key] = getattr(listing, _ATTRIBUTE.get(key, key))
        yield record


def _json_value(key: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _sheet_value(
    kind: ListingKind, key: str, value: Any, names: Mapping[str, Mapping[str, str]]
) -> Any:
    """A value as a person reads it in a spreadsheet: labels, names, joined lists."""
    if value is None or value == []:
        return ""
    if key == "field":
        return names["field"].get(value, value)
    if key == "industry":
        return names["industry"].get(value, value)
    if key == "region":
        return REGIONS.get(value, value)
    if key == "maturity":
        return MaturityStage(value).label
    if key in ("transfer_modes", "cooperation_modes"):
        return "、".join(
            TransferMode(c).label if c in TransferMode._value2member_map_ else c for c in value
        )
    if key == "confidential":
        sections = CONFIDENTIAL_SECTIONS[kind]
        return "、".join(sections.get(c, c) for c in value)
    if key == "ip_items":
        return "\n".join(
            f"{_IP_TYPES.get(i.get('type', 'patent'), '专利')}：{i.get('number', '')}"
            + (f" {i['title']}" if i.get("title") else "")
            for i in value
        )
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def export(
    session: Session,
    viewer: User | None,
    kind: ListingKind,
    filters: Mapping[str, Any] | None = None,
    fmt: Format | str = Format.CSV,
) -> bytes:
    """The filtered list as a file: Chinese headers in CSV and Excel, English keys in JSON Lines."""
    fmt = Format(fmt)
    listings = listings_for_export(session, viewer, kind, filters or {})
    records = export_records(session, viewer, kind, listings)
    names = {
        "field": taxonomy.names(session, "field"),
        "industry": taxonomy.names(session, "industry"),
    }
    cols = columns(kind)
    if fmt == Format.JSONL:
        lines = []
        for record in records:
            plain = {c.key: _json_value(c.key, record[c.key]) for c in cols}
            lines.append(json.dumps(plain, ensure_ascii=False))
        return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
    rows = ([_sheet_value(kind, c.key, record[c.key], names) for c in cols] for record in records)
    headers = [c.header for c in cols]
    if fmt == Format.CSV:
        return csv_bytes(headers, rows)
    return xlsx_bytes(kind.label, headers, rows)


def template(kind: ListingKind, fmt: Format | str = Format.XLSX) -> bytes:
    """An empty file with the column headers and one example row, to fill in."""
    fmt = Format(fmt)
    cols = columns(kind)
    if fmt == Format.JSONL:
        sample = {c.key: c.example for c in cols if c.key != "org"}
        return (json.dumps(sample, ensure_ascii=False) + "\n").encode()
    headers = [c.header + ("*" if c.required else "") for c in cols]
    example = ["" if c.key == "org" else c.example for c in cols]
    if fmt == Format.CSV:
        return csv_bytes(headers, [example])
    return xlsx_bytes(kind.label, headers, [example])
