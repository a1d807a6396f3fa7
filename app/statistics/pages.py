"""HTML pages: the public statistics, the staff dashboard, exports and the open-data page."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import Response

from app.core.deps import CurrentUser, OptionalUser, SessionDep
from app.core.pages import page_router
from app.core.regions import REGIONS
from app.core.spreadsheets import csv_bytes
from app.core.templating import render
from app.listings import catalogue
from app.models.enums import PilotService, ResourceKind, VoucherCategory
from app.resources import service as resources
from app.statistics import service
from app.statistics.service import Filters

router = page_router()


def download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def _page(
    request: Request, session: SessionDep, user: object, f: Filters, *, staff: bool
) -> Response:
    tables = service.tables(session, f, user=request.state.user, staff=staff)
    params = {k: v for k, v in (("year", f.year), ("region", f.region)) if v}
    this_year = service.current_year()
    return render(
        request,
        "statistics/statistics.html",
        {
            "heading": "数据驾驶舱" if staff else "统计数据",
            "intro": (
                "全市科技成果转化的全量数据，含政策奖补预算执行和创新券服务。"
                if staff
                else "平台公开的科技成果转化统计，所有数字可导出为 CSV 或 Excel。"
            ),
            "f": f,
            "tables": tables,
            "regions": list(REGIONS.items()),
            "years": list(range(this_year, this_year - 6, -1)),
            "base": "/dashboard" if staff else "/statistics",
            "export_base": "/statistics/export",
            "query": f"?{urlencode(params)}" if params else "",
        },
    )


@router.get("/statistics")
def statistics(
    request: Request, session: SessionDep, user: OptionalUser, year: str = "", region: str = ""
) -> Response:
    return _page(request, session, user, Filters.of(year, region), staff=False)


@router.get("/dashboard")
def dashboard(
    request: Request, session: SessionDep, user: CurrentUser, year: str = "", region: str = ""
) -> Response:
    return _page(request, session, user, Filters.of(year, region), staff=True)


@router.get("/statistics/export/{key}.{fmt}")
def export(
    key: str,
    fmt: str,
    session: SessionDep,
    user: OptionalUser,
    year: str = "",
    region: str = "",
) -> Response:
    f = Filters.of(year, region)
    return download(*service.export(service.table(session, key, f, user=user), f, fmt))


@router.get("/open-data")
def open_data(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    return render(
        request,
        "statistics/open_data.html",
        {
            "tables": service.tables(session, Filters()),
            "dictionary": resources.DICTIONARY,
            "listing_dictionary": catalogue.DICTIONARY,
            "kinds": ResourceKind.choices(),
            "pilot": PilotService.choices(),
            "vouchers": VoucherCategory.choices(),
            "regions": list(REGIONS.items()),
        },
    )


@router.get("/open-data/resources.csv")
def resources_csv(session: SessionDep, user: OptionalUser) -> Response:
    body = csv_bytes(
        [label for _k, label, _m in resources.DICTIONARY], resources.catalogue_rows(session)
    )
    return download(body, "text/csv; charset=utf-8", "科创资源目录.csv")


@router.get("/open-data/listings.{fmt}")
def listings_catalogue(fmt: str, session: SessionDep, user: OptionalUser) -> Response:
    """The published achievements, demands and challenges as CSV or Excel (a stable address)."""
    return download(*service.export(service.listing_catalogue(session), Filters(), fmt))
