"""Bulk import and export pages: upload with a report of every bad row, and file downloads."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.core import clock
from app.core.audit import Actor
from app.core.config import get_settings
from app.core.deps import CurrentUser, OptionalUser, SessionDep, client_ip, writes_late
from app.core.errors import AppError, NotFound
from app.core.pages import SubmittedForm, page_router, uploaded_file
from app.core.pagination import query_filters
from app.core.templating import render
from app.listings import transfer
from app.listings.transfer import Format, ImportReport
from app.models import User
from app.models.enums import ListingKind

router = page_router()

MAX_SHOWN_ERRORS = 1000
KIND_CHOICES = [(k.value, k.label) for k in transfer.KINDS]


def _kind(value: str) -> ListingKind:
    if value not in {k.value for k in transfer.KINDS}:
        raise NotFound("只支持科技成果和技术需求的导入导出")
    return ListingKind(value)


def _page(
    request: Request,
    user: User,
    *,
    admin: bool,
    kind: ListingKind = ListingKind.ACHIEVEMENT,
    report: ImportReport | None = None,
    skip_invalid: bool = False,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "listings/import.html",
        {
            "admin": admin,
            "action": "/admin/import" if admin else "/me/import",
            "kind": kind,
            "kinds": KIND_CHOICES,
            "formats": list(Format),
            "columns": transfer.columns(kind),
            "report": report,
            "errors_shown": report.errors[:MAX_SHOWN_ERRORS] if report else [],
            "max_shown": MAX_SHOWN_ERRORS,
            "max_upload_mb": get_settings().max_upload_mb,
            "skip_invalid": skip_invalid,
            "problem": problem,
            "export_query": "" if admin else "?mine=1",
        },
        status_code=status_code,
    )


def _upload(
    request: Request, session: SessionDep, user: User, form: FormData, *, admin: bool
) -> Response:
    kind = _kind(str(form.get("kind") or ListingKind.ACHIEVEMENT.value))
    skip_invalid = form.get("skip_invalid") in ("1", "on", "true")
    limit_mb = get_settings().max_upload_mb
    upload = uploaded_file(form, limit=limit_mb * 1024 * 1024 + 1)
    if upload is None:
        return _page(
            request,
            user,
            admin=admin,
            kind=kind,
            skip_invalid=skip_invalid,
            problem="请选择要导入的文件（CSV、Excel 或 JSON Lines）",
            status_code=422,
        )
    if len(upload.data) > limit_mb * 1024 * 1024:
        return _page(
            request,
            user,
            admin=admin,
            kind=kind,
            problem=f"文件超过 {limit_mb} MB，请拆分后分批导入",
            status_code=413,
        )
    try:
        report = transfer.import_file(
            session,
            Actor(user=user, ip=client_ip(request)),
            kind,
            upload.filename,
            upload.data,
            skip_invalid=skip_invalid,
        )
    except AppError as exc:
        # A refusal of the whole import (who may import), shown on the page it came from.
        return _page(
            request, user, admin=admin, kind=kind, problem=exc.detail, status_code=exc.status_code
        )
    return _page(
        request,
        user,
        admin=admin,
        kind=kind,
        report=report,
        skip_invalid=skip_invalid,
        status_code=422 if report.refused else 200,
    )


@router.get("/me/import")
def my_import_form(request: Request, user: CurrentUser, kind: str = "achievement") -> Response:
    return _page(request, user, admin=False, kind=_kind(kind))


@router.post("/me/import")
@writes_late  # validates a large file before it takes the write lock
def my_import(
    request: Request, session: SessionDep, user: CurrentUser, form: SubmittedForm
) -> Response:
    return _upload(request, session, user, form, admin=False)


@router.get("/admin/import")
def admin_import_form(request: Request, user: CurrentUser, kind: str = "achievement") -> Response:
    transfer.check_imports_for_all(user)
    return _page(request, user, admin=True, kind=_kind(kind))


@router.post("/admin/import")
@writes_late  # validates a large file before it takes the write lock
def admin_import(
    request: Request, session: SessionDep, user: CurrentUser, form: SubmittedForm
) -> Response:
    transfer.check_imports_for_all(user)
    return _upload(request, session, user, form, admin=True)


def _download(data: bytes, fmt: Format, name: str) -> Response:
    return Response(
        data,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt.value}"'},
    )


def export(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The list page's results as a file, with the list page's filters."""
    kind_part, _, fmt_part = request.url.path.strip("/").partition("/export.")
    kind = _kind(kind_part.removesuffix("s"))
    fmt = Format(fmt_part)
    accepted = {*transfer.FILTERS, "q", "mine", "status"}
    filters = query_filters(request.query_params, lambda name: name in accepted)
    data = transfer.export(session, user, kind, filters, fmt)
    return _download(data, fmt, f"{kind.value}s-{clock.today():%Y%m%d}")


def template(request: Request) -> Response:
    """An empty file with the columns and one example row."""
    kind_part, _, fmt_part = request.url.path.strip("/").partition("/import-template.")
    kind = _kind(kind_part.removesuffix("s"))
    fmt = Format(fmt_part)
    return _download(transfer.template(kind, fmt), fmt, f"{kind.value}s-template")


for _kind_value in transfer.KINDS:
    for _fmt in Format:
        router.get(f"/{_kind_value.value}s/export.{_fmt.value}")(export)
        router.get(f"/{_kind_value.value}s/import-template.{_fmt.value}")(template)
