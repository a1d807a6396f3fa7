"""The statistics as named tables: each with its columns, rows and the series a chart draws.

Every figure is computed by one aggregate query (``repository``) and kept in the page cache
under the database's content generation (app/core/cache.py): any committed change to a
table shown here starts a new generation, so figures are never stale, and between changes
the dashboard reads them from memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.core import cache
from app.core.clock import LOCAL_TZ, local
from app.core.db import utcnow
from app.core.errors import InvalidInput, NotFound
from app.core.money import CENT
from app.core.pagination import Paged, Pagination
from app.core.permissions import Action, authorize
from app.core.regions import REGIONS, region_name
from app.core.spreadsheets import XLSX_MEDIA_TYPE, SheetColumn, csv_bytes, xlsx_bytes
from app.listings import catalogue
from app.models import User
from app.models.enums import (
    ContractType,
    EventKind,
    ListingKind,
    MaturityStage,
    MeetingOutcome,
    UsagePayment,
)
from app.statistics import aggregates, repository
from app.taxonomy import service as taxonomy
from app.trading import codes

KINDS = (ListingKind.ACHIEVEMENT, ListingKind.DEMAND, ListingKind.CHALLENGE)
MONEY = "money"
PERCENT = "percent"


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    region: str | None = None
    #: read the maintained counters (app/statistics/aggregates.py) instead of counting live
    counted: bool = field(default=False, compare=False)

    @classmethod
    def of(cls, year: str | int | None, region: str | None) -> Filters:
        """Filters from query parameters; a bad value is a 422 with the reason."""
        y: int | None = None
        if year not in (None, ""):
            try:
                y = int(year)
            except ValueError:
                y = -1
            if not 2000 <= y <= 2100:
                raise InvalidInput(errors={"year": "年度应为 2000 至 2100 之间的数字"})
        if region and region not in REGIONS:
            raise InvalidInput(errors={"region": "未知的行政区划代码"})
        return cls(year=y, region=region or None)

    @property
    def span(self) -> tuple[datetime, datetime] | None:
        if self.year is None:
            return None
        return (
            datetime(self.year, 1, 1, tzinfo=LOCAL_TZ),
            datetime(self.year + 1, 1, 1, tzinfo=LOCAL_TZ),
        )

    @property
    def label(self) -> str:
        parts = [f"{self.year}年" if self.year else "全部年度"]
        parts.append(region_name(self.region) if self.region else "全市")
        return "·".join(parts)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    #: how each column is shown: "" text or count, MONEY yuan, PERCENT a share
    kinds: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    #: the column a chart draws (bars over the first column's labels); None: no chart
    chart_column: int | None = 1
    note: str = ""
    public: bool = True

    def series(self) -> list[tuple[str, float]]:
        if self.chart_column is None:
            return []
        return [(str(r[0]), float(r[self.chart_column] or 0)) for r in self.rows]

    def as_json(self, f: Filters | None = None) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "kinds": self.kinds,
            "rows": [[_plain(v) for v in row] for row in self.rows],
            "note": self.note,
            "filters": {"year": f.year, "region": f.region} if f else {},
        }


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _by_kind(cube: repository.Rows, position: int, label: Any) -> list[list[Any]]:
    """Rows of (label, count per kind…, total) summed over one dimension of the cube."""
    grid: dict[Any, dict[str, int]] = {}
    for row in cube:
        counts = grid.setdefault(row[position], {})
        counts[str(row[0])] = counts.get(str(row[0]), 0) + row[-1]
    out = []
    for key, counts in grid.items():
        per = [counts.get(k.value, 0) for k in KINDS]
        out.append([label(key), *per, sum(per)])
    return out


def _listing_tables(session: Session, f: Filters) -> list[Table]:
    fields = taxonomy.names(session, "field")
    header = ["科技成果", "技术需求", "揭榜挂帅", "合计"]
    if f.counted:
        cubes = repository.counted_listing_margins(session, f.year, f.region)
        maturities = repository.counted_maturity(session, f.year, f.region)
    else:
        cube = repository.listing_cube(session, f.span, f.region)
        cubes = {1: cube, 2: cube, 3: cube}
        maturities = repository.listings_by_maturity(session, f.span, f.region)
    by_field = _by_kind(cubes[1], 1, lambda c: fields.get(c or "", "未分类"))
    by_region = _by_kind(cubes[2], 2, lambda c: region_name(c) or "未填写")
    by_month = sorted(_by_kind(cubes[3], 3, lambda m: m or ""), key=lambda r: r[0])
    maturity = [[MaturityStage(key).label if key else "未填写", count] for key, count in maturities]
    total_col = len(header)
    blank = ["", "", "", "", ""]
    return [
        Table(
            "listings_by_field",
            "发布信息·按技术领域",
            ["技术领域", *header],
            blank,
            sorted(by_field, key=lambda r: -r[-1]),
            chart_column=total_col,
        ),
        Table(
            "listings_by_region",
            "发布信息·按区县",
            ["区县", *header],
            blank,
            sorted(by_region, key=lambda r: -r[-1]),
            chart_column=total_col,
        ),
        Table(
            "listings_by_maturity",
            "科技成果·按成熟度",
            ["成熟度", "成果数"],
            ["", ""],
            sorted(maturity, key=lambda r: -r[1]),
        ),
        Table(
            "listings_by_month",
            "发布信息·按月份",
            ["月份", *header],
            blank,
            by_month,
            chart_column=total_col,
        ),
    ]


def _demand_table(session: Session, f: Filters, stages: dict[str, int]) -> Table:
    if f.counted:
        demand = ListingKind.DEMAND.value
        total, matched, dealt = (stages[f"{s}:{demand}"] for s in ("published", "matched", "dealt"))
    else:
        total, matched, dealt = repository.demands_answered(session, f.span, f.region)
    return Table(
        "demands_answered",
        "技术需求响应",
        ["指标", "数量", "占已发布需求"],
        ["", "", PERCENT],
        [
            ["已发布需求", total, _rate(total, total)],
            ["获得对接推荐", matched, _rate(matched, total)],
            ["进入洽谈", dealt, _rate(dealt, total)],
        ],
    )


def _event_tables(session: Session, f: Filters) -> list[Table]:
    events = [
        [EventKind(k).label, held, met, signed, _money(amount)]
        for k, held, met, signed, amount in repository.events_held(session, f.span, f.region)
    ]
    outcomes = [
        [MeetingOutcome(k).label, n]
        for k, n in repository.meeting_outcomes(session, f.span, f.region)
    ]
    return [
        Table(
            "events",
            "对接活动与洽谈",
            ["活动类型", "已举办场次", "洽谈场次", "签约次数", "签约金额（元）"],
            ["", "", "", "", MONEY],
            events,
        ),
        Table("meeting_outcomes", "洽谈成效", ["成效", "次数"], ["", ""], outcomes),
    ]


def _contract_tables(session: Session, f: Filters) -> list[Table]:
    labels = {
        "type": ("合同类别", lambda k: ContractType(k).label),
        "field": ("技术领域", lambda k: codes.TECH_FIELDS.get(k, k or "未分类")),
        "region": ("登记方所在区县", lambda k: region_name(k) or "未填写"),
        "month": ("登记月份", lambda k: k or ""),
    }
    if f.counted:
        cubes = repository.counted_contract_margins(session, f.year, f.region)
    else:
        cube = repository.contract_cube(session, f.span, f.region)
        cubes = dict.fromkeys(range(4), cube)
    tables = []
    for position, (dim, (name, label)) in enumerate(labels.items()):
        sums: dict[Any, list[Any]] = {}
        for row in cubes[position]:
            acc = sums.setdefault(row[position], [0, Decimal(0), Decimal(0)])
            acc[0] += row[4]
            acc[1] += Decimal(row[5] or 0)
            acc[2] += Decimal(row[6] or 0)
        rows = [[label(k), n, _money(total), _money(tech)] for k, (n, total, tech) in sums.items()]
        rows.sort(key=lambda r: r[0] if dim == "month" else -r[3])
        tables.append(
            Table(
                f"contracts_by_{dim}",
                f"技术合同登记·按{name.replace('登记', '')}",
                [name, "登记份数", "合同金额（元）", "技术交易额（元）"],
                ["", "", MONEY, MONEY],
                rows,
                chart_column=3,
            )
        )
    return tables


FUNNEL_STAGES = ["已发布信息", "获得匹配推荐", "供需双方确认对接", "进入洽谈", "签订并登记合同"]


def _funnel(session: Session, f: Filters, stages: dict[str, int]) -> Table:
    if f.counted:
        counts = [stages[s] for s in ("published", *aggregates.STAGES)]
    else:
        counts = repository.funnel(session, f.span, f.region)
    rows = []
    for i, (stage, n) in enumerate(zip(FUNNEL_STAGES, counts, strict=True)):
        previous = counts[i - 1] if i else n
        rows.append([stage, n, _rate(n, previous), _rate(n, counts[0])])
    return Table(
        "funnel",
        "成果转化漏斗",
        ["阶段", "信息数", "较上一阶段转化率", "较发布转化率"],
        ["", "", PERCENT, PERCENT],
        rows,
        note="按信息计：一项成果或需求进入某一阶段即计入该阶段。",
    )


def _money_tables(session: Session, f: Filters) -> list[Table]:
    rewards = []
    for item, budget, committed, paid in repository.rewards(session, f.year):
        rewards.append(
            [
                f"第{item}条",
                _money(budget),
                _money(committed),
                _money(paid),
                _rate(int(paid * 100), int(budget * 100)) if budget else None,
            ]
        )
    vouchers = [
        [UsagePayment(k).label, n, _money(fee)]
        for k, n, fee in repository.voucher_usage(session, f.span)
    ]
    return [
        Table(
            "rewards",
            "政策奖补·预算执行",
            ["政策条款", "年度预算（元）", "已核定占用（元）", "已拨付（元）", "拨付率"],
            ["", MONEY, MONEY, MONEY, PERCENT],
            rewards,
            chart_column=3,
            public=False,
            note="按年度预算；区县筛选不适用于全市统筹的奖补预算。",
        ),
        Table(
            "vouchers",
            "创新券·仪器共享服务",
            ["结算状态", "使用次数", "服务费用（元）"],
            ["", "", MONEY],
            vouchers,
            chart_column=2,
            public=False,
            note="大型仪器使用登记中标记由创新券支付的费用；创新券的申领与兑付在企业办事大厅办理。",
        ),
    ]


def compute(session: Session, f: Filters, *, counted: bool | None = None) -> list[Table]:
    """Every table, from the maintained counters once they are built (``counted``: force
    one way or the other; live counting is the recount the counters are checked against)."""
    built = repository.counters_built(session) if counted is None else counted
    f = replace(f, counted=built)
    stages = repository.counted_stages(session, f.year, f.region) if built else {}
    return [
        _funnel(session, f, stages),
        *_listing_tables(session, f),
        _demand_table(session, f, stages),
        *_contract_tables(session, f),
        *_event_tables(session, f),
        *_money_tables(session, f),
    ]


def tables(
    session: Session, f: Filters, *, user: User | None = None, staff: bool = False
) -> list[Table]:
    """Every statistics table under the filters; the staff view adds budgets and vouchers."""
    if staff:
        authorize(user, Action.STATISTICS_VIEW_ALL)
    every = cache.cached(session, ("statistics", f.year, f.region), lambda: compute(session, f))
    return [t for t in every if staff or t.public]


def table_page(session: Session, f: Filters, pagination: Pagination, *, user: User | None) -> Paged:
    """One page of the tables (as JSON) a person may see: staff see the budget tables too."""
    every = tables(session, f, user=user, staff=user is not None and user.is_staff)
    items = [t.as_json(f) for t in every[pagination.offset : pagination.offset + pagination.size]]
    return Paged(items=items, total=len(every), page=pagination.page, size=pagination.size)


def table(session: Session, key: str, f: Filters, *, user: User | None) -> Table:
    """One table; the staff-only ones for staff only."""
    for t in cache.cached(session, ("statistics", f.year, f.region), lambda: compute(session, f)):
        if t.key == key:
            if not t.public:
                authorize(user, Action.STATISTICS_VIEW_ALL)
            return t
    raise NotFound("没有该统计表")


def export(t: Table, f: Filters, fmt: str) -> tuple[bytes, str, str]:
    """A table as CSV (UTF-8 with BOM) or Excel: (bytes, media type, file name)."""
    name = f"{t.title}-{f.label}"
    rows = [[_cell(v, k) for v, k in zip(row, t.kinds, strict=True)] for row in t.rows]
    if fmt == "csv":
        return csv_bytes(t.columns, rows), "text/csv; charset=utf-8", f"{name}.csv"
    if fmt != "xlsx":
        raise NotFound("导出格式应为 csv 或 xlsx")
    formats = {MONEY: "#,##0.00", PERCENT: "0.00%"}
    columns = [
        SheetColumn(c, width=max(len(c) * 2 + 2, 12), number_format=formats.get(k))
        for c, k in zip(t.columns, t.kinds, strict=True)
    ]
    return (
        xlsx_bytes(t.title[:31], columns, rows, bold_header=True, freeze_header=True),
        XLSX_MEDIA_TYPE,
        f"{name}.xlsx",
    )


def listing_catalogue(session: Session) -> Table:
    """The open-data catalogue of published listings, exported like any table."""
    return Table(
        key="listings",
        title="科技成果与需求目录",
        columns=[header for _k, header, _m, _d in catalogue.DICTIONARY],
        kinds=[MONEY if money else "" for _k, _h, money, _d in catalogue.DICTIONARY],
        rows=catalogue.rows(session),
        chart_column=None,
    )


def _cell(value: Any, kind: str) -> Any:
    if isinstance(value, Decimal) and kind == PERCENT:
        return float(value)
    return value


def current_year() -> int:
    return local(utcnow()).year
