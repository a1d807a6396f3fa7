"""Writing an import: through the catalogue service, or in bulk for an administrator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.core import audit
from app.core.audit import Actor
from app.core.db import start_writing, utcnow
from app.core.errors import Conflict, PermissionDenied
from app.core.indexing import index_later, index_many_later
from app.core.permissions import Action, authorize
from app.listings import repository, service
from app.listings.schemas import ListingFields
from app.listings.transfer.columns import MAX_ROWS, Format, Progress, columns
from app.listings.transfer.reading import read
from app.listings.transfer.report import ImportReport, RowError
from app.listings.transfer.validating import _Row, _Validator
from app.models import (
    AuditEvent,
    Listing,
    ListingVersion,
    Organization,
    User,
)
from app.models.enums import (
    ListingKind,
    OrgRole,
)
from app.orgs import service as org_service
from app.statistics import aggregates

# -- importing --------------------------------------------------------------------------------


def check_imports_for_all(user: User | None) -> None:
    """Importing for every organisation at once (/admin/import) is the bureau's own work."""
    authorize(user, Action.ADMIN_ACCESS)
    assert user is not None
    if not user.is_platform_admin:
        raise PermissionDenied("仅平台管理员可以为各机构批量导入")


def _imports_as_admin(session: Session, actor: Actor) -> bool:
    """Platform administrators import for any organisation; others for their own, if verified."""
    user = actor.user
    if user is not None and user.is_platform_admin:
        return True
    org = org_service.get_for_member(session, user) if user is not None else None
    authorize(user, Action.ORG_PUBLISH, org)
    return False


def import_file(
    session: Session,
    actor: Actor,
    kind: ListingKind,
    filename: str,
    content: bytes,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate every row, then write all of them, or only the valid ones with ``skip_invalid``.

    Nothing is written when the report is refused; the caller's transaction holds the rest.
    A ``reads_first`` session validates without SQLite's write lock and takes it only for the
    writes; a listing another writer added or changed meanwhile refuses the whole import.
    """
    order = {c.key: i for i, c in enumerate(columns(kind))}
    as_admin = _imports_as_admin(session, actor)
    table = read(kind, filename, content)
    report = ImportReport(kind, fmt=table.fmt, total=len(table.rows))
    fatal = table.fmt != Format.JSONL and bool(table.errors)
    report.errors.extend(table.errors)
    if table.unknown:
        report.warnings.append(f"未识别的列，已忽略：{'、'.join(table.unknown)}")
    if table.fmt != Format.JSONL:
        for column in columns(kind):
            needed = column.required or (column.key == "org" and as_admin)
            if needed and column.key not in table.headers:
                report.errors.append(RowError(1, column.header, "缺少必填列"))
                fatal = True
    if not table.rows and not report.errors:
        report.errors.append(RowError(1, "", "文件中没有数据行"))
        fatal = True
    if len(table.rows) > MAX_ROWS:
        report.errors.append(RowError(1, "", f"一次最多导入 {MAX_ROWS} 行，请拆分文件"))
        fatal = True
    if fatal:
        report.refused = True
        return report

    validator = _Validator(session, actor, kind, as_admin=as_admin)
    valid: list[_Row] = []
    row_errors: list[RowError] = []
    for done, (number, raw) in enumerate(table.rows, start=1):
        row, problems = validator.row(number, raw)
        if row is not None:
            valid.append(row)
        for key, reason in sorted(problems.items(), key=lambda kv: order.get(kv[0], -1)):
            row_errors.append(RowError(number, table.headers.get(key, key), reason))
        if progress and (done % 100 == 0 or done == report.total):
            progress("validate", done, report.total)
    report.errors.extend(row_errors)
    report.errors.sort(key=lambda e: e.row)
    if report.errors and not skip_invalid:
        report.refused = True
        return report
    report.skipped = report.total - len(valid)

    writer = _Writer(session, actor, kind, as_admin=as_admin)
    writer.prepare(valid)
    start_writing(session)
    with session.begin_nested():  # all rows or none, even if a row fails while writing
        _refuse_changed_meanwhile(session, kind, valid)
        writer.write_all(valid, report, progress)
    return report


def _refuse_changed_meanwhile(session: Session, kind: ListingKind, rows: list[_Row]) -> None:
    """Conflict when a row's listing was created or changed since it was validated."""
    now: dict[int, dict[str, int]] = {}
    for row in rows:
        if row.org.id not in now:
            now[row.org.id] = repository.versions_by_external_id(session, row.org.id, kind)
        key = row.data.external_id
        assert key is not None
        current = now[row.org.id].get(key)
        if current == row.version:
            continue
        what = "新增了同一条信息" if row.version is None else "修改了这条信息"
        if current is None:
            what = "删除了这条信息"
        raise Conflict(
            f"导入期间平台上有人{what}（第{row.number}行：{row.data.title}），"
            "本次未导入任何内容，请重新导入",
            title="导入期间信息有变化",
        )


class _Writer:
    """Writes validated rows; an administrator's rows in batches that share one flush.

    For an administrator, ``prepare`` does the work of every row before the write lock is
    taken: it builds the new listings and works out each update's changes. Under the lock a
    batch is then one INSERT per table for its new listings, their versions, audit events and
    index messages, and an UPDATE for each listing that changed.
    """

    BATCH = 250

    def __init__(
        self, session: Session, actor: Actor, kind: ListingKind, *, as_admin: bool
    ) -> None:
        self.session = session
        self.actor = actor
        self.kind = kind
        self.as_admin = as_admin
        self._owners: dict[int, User] = {}
        self._new: dict[int, tuple[Listing, dict[str, Any]]] = {}
        self._values: dict[int, list[dict[str, Any]]] = {}
        # Per updated row: the fields to apply, the changed values before and after, the state.
        self._updates: dict[
            int, tuple[ListingFields, dict[str, Any], dict[str, Any], dict[str, Any]]
        ] = {}

    def prepare(self, rows: list[_Row]) -> None:
        """Build the new listings and each update's changes, outside the session; reads only."""
        if not self.as_admin:
            return
        for row in rows:
            if row.existing is None:
                listing = self._new_published(row)
                self._new[row.number] = (listing, service.snapshot(listing))
                self._values[row.number] = self._column_values(listing)
            else:
                data = _without_same_field(row)
                self._updates[row.number] = (data, *self._changes(row.existing, row, data))

    def write_all(self, rows: list[_Row], report: ImportReport, progress: Progress | None) -> None:
        for start in range(0, len(rows), self.BATCH):
            batch = rows[start : start + self.BATCH]
            outcomes = self._write_batch(batch)
            for row, outcome in zip(batch, outcomes, strict=True):
                setattr(report, outcome, getattr(report, outcome) + 1)
                report.suggested += row.suggested and outcome != "unchanged"
            if progress:
                progress("write", start + len(batch), len(rows))

    def _write_batch(self, rows: list[_Row]) -> list[str]:
        """Create or update each row's listing: "created", "updated" or "unchanged"."""
        if not self.as_admin:
            return [self._through_service(row, _without_same_field(row)) for row in rows]
        outcomes: list[str] = []
        created: list[tuple[Listing, dict[str, Any]]] = []
        values: list[list[dict[str, Any]]] = []
        changes: list[tuple[Listing, str, dict[str, Any] | None, dict[str, Any], Any]] = []
        for row in rows:
            if row.existing is None:
                created.append(self._new.pop(row.number))
                values.append(self._values.pop(row.number))
                outcomes.append("created")
                continue
            data, old, new, state = self._updates.pop(row.number)
            if new:
                self._update_in_place(row.existing, row, data)
                changes.append((row.existing, "update", old, new, state))
            outcomes.append("updated" if new else "unchanged")
        self._insert(created, values)
        changes[:0] = [(listing, "create", None, state, state) for listing, state in created]
        self.session.flush()  # the batch's updates
        self._record_all(changes)
        return outcomes

    def _column_values(self, listing: Listing) -> list[dict[str, Any]]:
        """The listing's row of each of its tables (base first), built before the lock."""
        mapper = sa_inspect(repository.MODELS[self.kind])
        return [
            {
                column.key: getattr(listing, mapper.get_property_by_column(column).key)
                for column in table.columns
                if column.key != "id"
            }
            for table in mapper.tables
        ]

    def _insert(
        self, created: list[tuple[Listing, dict[str, Any]]], values: list[list[dict[str, Any]]]
    ) -> None:
        """One INSERT per table for the batch's new listings, which then know their ids."""
        if not created:
            return
        # Core INSERTs with every column given: the ORM's bulk path groups rows by which
        # columns are empty and would send dozens of small statements per batch.
        mapper = sa_inspect(repository.MODELS[self.kind])
        listings = [listing for listing, _state in created]
        for position, table in enumerate(mapper.tables):  # the base table first
            rows = [tables[position] for tables in values]
            if table is mapper.tables[0]:
                stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                ids = self.session.scalars(stmt, rows).all()
                for listing, listing_id in zip(listings, ids, strict=True):
                    listing.id = listing_id
            else:
                for row, listing in zip(rows, listings, strict=True):
                    row["id"] = listing.id
                self.session.execute(insert(table), rows)
        # Core INSERTs pass by the session's flush, which keeps the statistics current.
        aggregates.refresh(self.session.connection(), listings=[x.id for x in listings])

    def _through_service(self, row: _Row, data: ListingFields) -> str:
        if row.existing is None:
            listing = service.create(self.session, self.actor, self.kind, data)
            listing.field_suggested = row.suggested
            index_later(self.session, self.kind.value, listing.id)
            return "created"
        listing = row.existing
        version = listing.version
        service.update(self.session, self.actor, listing, data)
        if row.suggested:
            listing.field_suggested = True
        return "unchanged" if listing.version == version else "updated"

    def _owner(self, org: Organization) -> User:
        """Imported listings belong to the organisation's administrator when it has one."""
        if org.id not in self._owners:
            people = [
                u
                for u in org_service.members(self.session, self.actor, org)
                if u.active_org_id == org.id and u.is_active
            ]
            people.sort(key=lambda u: (u.org_role != OrgRole.ADMIN, u.id))
            assert self.actor.user is not None
            self._owners[org.id] = people[0] if people else self.actor.user
        return self._owners[org.id]

    def _new_published(self, row: _Row) -> Listing:
        """The row's listing as it will be inserted; never added to the session."""
        org = row.org
        now = utcnow()
        listing = repository.MODELS[self.kind](
            kind=self.kind,
            org_id=org.id,
            owner_id=self._owner(org).id,
            region_code=org.region_code,
            title="",
            summary="",
            contact_name=org.contact_name,
            contact_phone=org.contact_phone,
            contact_email="",
            field_suggested=row.suggested,
            # An administrator's import publishes at once, as a review would.
            **service.publication_values(now),
        )
        service.apply_fields(listing, row.data)
        _fill_defaults(listing)
        return listing

    def _changes(
        self, listing: Listing, row: _Row, data: ListingFields
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """What importing ``data`` would change on ``listing``, worked out on a copy: the
        changed values before and after, and the listing's state after."""
        model = type(listing)
        copy = model(**{a.key: getattr(listing, a.key) for a in sa_inspect(model).column_attrs})
        self._update_in_place(copy, row, data)
        state = service.snapshot(copy)
        old, new = audit.diff(service.snapshot(listing), state)
        return old, new, state

    @staticmethod
    def _update_in_place(listing: Listing, row: _Row, data: ListingFields) -> None:
        service.apply_fields(listing, data)
        if "field_code" in data.model_fields_set:
            listing.field_suggested = row.suggested
        listing.version += 1

    def _record_all(
        self, changes: list[tuple[Listing, str, dict[str, Any] | None, dict[str, Any], Any]]
    ) -> None:
        """The version row, audit event and reindex request every change gets, in bulk.

        A new listing's audit event records it whole; an update's, the fields it changed.
        """
        versions, events = [], []
        for listing, action, before, after, state in changes:
            note = "批量导入并发布" if action == "create" else "批量导入更新"
            versions.append(service.version_values(self.actor, listing, note, state))
            events.append(
                audit.event_values(
                    self.actor,
                    f"{self.kind.value}.import_{action}",
                    listing,
                    summary=f"{note}{self.kind.label}：{listing.title}",
                    before=before,
                    after=after,
                )
            )
        if changes:
            self.session.execute(insert(ListingVersion), versions)
            self.session.execute(insert(AuditEvent), events)
            index_many_later(self.session, self.kind.value, [c[0].id for c in changes])


def _fill_defaults(obj: Any) -> None:
    """Give a row built outside the session the values its columns' defaults would on flush,
    so it can be inserted in bulk and its snapshot taken before (as the flushed row's)."""
    for attr in sa_inspect(type(obj)).column_attrs:
        default = attr.columns[0].default
        if attr.key in obj.__dict__ or attr.key == "id" or default is None:
            continue
        if default.is_scalar:
            setattr(obj, attr.key, default.arg)
        elif default.is_callable:
            setattr(obj, attr.key, default.arg(None))


def _without_same_field(row: _Row) -> ListingFields:
    """Re-importing the field a listing has neither changes it nor confirms a suggestion."""
    data, existing = row.data, row.existing
    if existing is not None and data.field_code == existing.field_code:
        return type(data).model_validate(
            data.model_dump(exclude_unset=True, exclude={"field_code"})
        )
    return data
