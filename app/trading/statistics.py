"""The statistics export of registered contracts (xlsx and CSV) and the registration certificate.

One row per registered contract with the codes official statistics ask for — contract type,
technical field, IP type, and for the first seller and first buyer: region code (行政区划代码),
legal-person type, organisation type and whether local — each code followed by its label.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.audit import Actor
from app.core.clock import LOCAL_TZ, local_date
from app.core.config import get_settings
from app.core.errors import Conflict, InvalidInput
from app.core.money import exact_yuan, format_yuan
from app.core.pdf import FONT_NAME as PDF_FONT
from app.core.pdf import new_canvas
from app.core.permissions import Action, authorize
from app.core.regions import REGIONS, region_name
from app.core.spreadsheets import XLSX_MEDIA_TYPE, SheetColumn, csv_bytes, xlsx_bytes
from app.models import ContractParty, TechContract
from app.models.enums import ContractStatus, OrgType
from app.trading import codes

COLUMNS: list[tuple[str, str]] = [
    ("registration_no", "登记号"),
    ("registered_on", "登记日期"),
    ("title", "合同名称"),
    ("contract_no", "合同编号"),
    ("type_code", "合同类别代码"),
    ("type_label", "合同类别"),
    ("field_code", "技术领域代码"),
    ("field_label", "技术领域"),
    ("ip_code", "知识产权类型代码"),
    ("ip_label", "知识产权类型"),
    ("total_amount", "合同金额（元）"),
    ("tech_amount", "技术交易额（元）"),
    ("paid_amount", "已到账金额（元）"),
    ("signed_on", "签订日期"),
    ("seller", "卖方名称"),
    ("seller_region", "卖方行政区划代码"),
    ("seller_region_label", "卖方所在地区"),
    ("seller_lp_code", "卖方法人类型代码"),
    ("seller_lp_label", "卖方法人类型"),
    ("seller_org_type", "卖方机构类型"),
    ("seller_local", "卖方是否在长"),
    ("buyer", "买方名称"),
    ("buyer_region", "买方行政区划代码"),
    ("buyer_region_label", "买方所在地区"),
    ("buyer_lp_code", "买方法人类型代码"),
    ("buyer_lp_label", "买方法人类型"),
    ("buyer_org_type", "买方机构类型"),
    ("buyer_local", "买方是否在长"),
    ("other_parties", "其他当事人"),
    ("broker", "技术经纪人"),
    ("transfer_org", "技术转移机构"),
    ("rules_version", "认定依据"),
]
MONEY_COLUMNS = {"total_amount", "tech_amount", "paid_amount"}


def code_tables() -> dict[str, Any]:
    """Every code table with its Chinese labels, for forms and for statistics users."""
    return {
        "contract_types": [
            {"value": t.value, "code": code, "label": label}
            for t, (code, label) in codes.CONTRACT_TYPE_CODES.items()
        ],
        "tech_fields": [{"code": k, "label": v} for k, v in codes.TECH_FIELDS.items()],
        "ip_types": [{"code": k, "label": v} for k, v in codes.IP_TYPES.items()],
        "legal_person_types": [
            {"code": k, "label": v} for k, v in codes.LEGAL_PERSON_TYPES.items()
        ],
        "regions": [{"code": k, "label": v} for k, v in REGIONS.items()],
    }


def _party_cells(prefix: str, party: ContractParty | None) -> dict[str, Any]:
    if party is None:
        return {f"{prefix}{suffix}": "" for suffix in ("", "_region", "_region_label")} | {
            f"{prefix}_lp_code": "",
            f"{prefix}_lp_label": "",
            f"{prefix}_org_type": "",
            f"{prefix}_local": "",
        }
    return {
        prefix: party.name,
        f"{prefix}_region": party.region_code,
        f"{prefix}_region_label": region_name(party.region_code),
        f"{prefix}_lp_code": party.legal_person_type,
        f"{prefix}_lp_label": codes.LEGAL_PERSON_TYPES.get(party.legal_person_type, ""),
        f"{prefix}_org_type": OrgType(party.org_type).label,
        f"{prefix}_local": "是" if party.is_local else "否",
    }


def row_for(contract: TechContract, names: dict[str, str]) -> dict[str, Any]:
    type_code, type_label = codes.CONTRACT_TYPE_CODES[contract.contract_type]
    sellers, buyers = contract.sellers, contract.buyers
    shown = {id(p) for p in sellers[:1] + buyers[:1]}
    others = [f"{p.role.label}：{p.name}" for p in contract.parties if id(p) not in shown]
    return {
        "registration_no": contract.registration_no or "",
        "registered_on": local_date(contract.registered_at),
        "title": contract.title,
        "contract_no": contract.contract_no,
        "type_code": type_code,
        "type_label": type_label,
        "field_code": contract.tech_field,
        "field_label": codes.TECH_FIELDS.get(contract.tech_field, ""),
        "ip_code": contract.ip_type,
        "ip_label": codes.IP_TYPES.get(contract.ip_type, ""),
        "total_amount": contract.total_amount,
        "tech_amount": contract.tech_amount,
        "paid_amount": contract.paid_amount,
        "signed_on": contract.signed_on.isoformat(),
        **_party_cells("seller", sellers[0] if sellers else None),
        **_party_cells("buyer", buyers[0] if buyers else None),
        "other_parties": "；".join(others),
        "broker": names.get(f"user:{contract.broker_id}", ""),
        "transfer_org": names.get(f"org:{contract.transfer_org_id}", ""),
        "rules_version": contract.rules_version,
    }


def registered_contracts(
    session: Session, *, start: date | None = None, end: date | None = None
) -> list[TechContract]:
    """Registered contracts, by registration date in local time (both ends included)."""
    stmt = (
        select(TechContract)
        .where(TechContract.status == ContractStatus.REGISTERED)
        .options(selectinload(TechContract.parties), selectinload(TechContract.payments))
        .order_by(TechContract.registration_no)
    )
    if start is not None:
        stmt = stmt.where(
            TechContract.registered_at >= datetime.combine(start, time.min, tzinfo=LOCAL_TZ)
        )
    if end is not None:
        stmt = stmt.where(
            TechContract.registered_at <= datetime.combine(end, time.max, tzinfo=LOCAL_TZ)
        )
    return list(session.scalars(stmt))


def _names(session: Session, contracts: list[TechContract]) -> dict[str, str]:
    from app.models import Organization, User

    user_ids = {c.broker_id for c in contracts if c.broker_id}
    org_ids = {c.transfer_org_id for c in contracts if c.transfer_org_id}
    names: dict[str, str] = {}
    if user_ids:
        for user_id, name in session.execute(
            select(User.id, User.name).where(User.id.in_(user_ids))
        ):
            names[f"user:{user_id}"] = name
    if org_ids:
        for org_id, name in session.execute(
            select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))
        ):
            names[f"org:{org_id}"] = name
    return names


def rows(
    session: Session, *, start: date | None = None, end: date | None = None
) -> list[dict[str, Any]]:
    contracts = registered_contracts(session, start=start, end=end)
    names = _names(session, contracts)
    return [row_for(c, names) for c in contracts]


def _sheet_column(key: str, label: str) -> SheetColumn:
    if key in MONEY_COLUMNS:
        number_format: str | None = "#,##0.00"
    elif key.endswith(("code", "_region")) or key == "registration_no":
        number_format = "@"  # codes stay text: "01" must not become the number 1
    else:
        number_format = None
    return SheetColumn(label, width=max(len(label) * 2 + 2, 12), number_format=number_format)


def _xlsx(data: list[dict[str, Any]]) -> bytes:
    return xlsx_bytes(
        "技术合同登记统计",
        [_sheet_column(key, label) for key, label in COLUMNS],
        ([row[key] for key, _label in COLUMNS] for row in data),
        bold_header=True,
        freeze_header=True,
    )


def _csv(data: list[dict[str, Any]]) -> bytes:
    return csv_bytes(
        [label for _key, label in COLUMNS],
        (
            [round(row[key], 2) if key in MONEY_COLUMNS else row[key] for key, _label in COLUMNS]
            for row in data
        ),
    )


def export(
    session: Session,
    actor: Actor,
    fmt: str,
    *,
    start: date | None = None,
    end: date | None = None,
) -> tuple[bytes, str, str]:
    """The export file: (bytes, media type, file name)."""
    authorize(actor.user, Action.CONTRACT_EXPORT)
    if start and end and end < start:
        raise InvalidInput(errors={"end": "结束日期不能早于开始日期"})
    data = rows(session, start=start, end=end)
    span = f"{start or ''}至{end or ''}" if (start or end) else "全部"
    name = f"技术合同登记统计-{span}"
    if fmt == "csv":
        return _csv(data), "text/csv; charset=utf-8", f"{name}.csv"
    return _xlsx(data), XLSX_MEDIA_TYPE, f"{name}.xlsx"


def totals(data: list[dict[str, Any]]) -> dict[str, Any]:
    """Count and sums, for the page above the table."""
    zero = Decimal("0.00")
    return {
        "count": len(data),
        "total_amount": sum((r["total_amount"] for r in data), zero),
        "tech_amount": sum((r["tech_amount"] for r in data), zero),
    }


# --- the certificate ------------------------------------------------------------------------


def certificate_lines(contract: TechContract) -> list[tuple[str, str]]:
    """What the certificate states, in order; the HTML page and the PDF print the same."""
    lines = [
        ("登记号", contract.registration_no or ""),
        ("合同名称", contract.title),
        ("合同类别", contract.contract_type.label),
        ("技术领域", codes.TECH_FIELDS.get(contract.tech_field, "")),
        ("知识产权类型", codes.IP_TYPES.get(contract.ip_type, "")),
    ]
    for party in contract.parties:
        lines.append((f"{party.role.label}（{party.side.label}）", party.name))
    lines += [
        (
            "合同金额",
            f"{exact_yuan(contract.total_amount)}（{format_yuan(contract.total_amount)}）",
        ),
        (
            "技术交易额",
            f"{exact_yuan(contract.tech_amount)}（{format_yuan(contract.tech_amount)}）",
        ),
        ("签订日期", contract.signed_on.isoformat()),
        ("登记日期", local_date(contract.registered_at)),
        ("认定依据", contract.rules_version),
    ]
    return lines


def certificate_pdf(session: Session, contract: TechContract) -> bytes:
    """The certificate as a PDF, with the glyphs it uses embedded (it reads in any viewer)."""
    if contract.status != ContractStatus.REGISTERED:
        raise Conflict("合同尚未完成认定登记，暂无登记证明")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    buffer = io.BytesIO()
    pdf = new_canvas(buffer, title=f"技术合同登记证明 {contract.registration_no}", pagesize=A4)
    font = PDF_FONT
    width, height = A4
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 30 * mm, "技术合同认定登记证明")
    pdf.setFont(font, 11)
    y = height - 48 * mm
    for label, value in certificate_lines(contract):
        pdf.drawString(25 * mm, y, f"{label}：")
        # Long values wrap at about 36 Chinese characters a line.
        for start in range(0, max(len(value), 1), 36):
            pdf.drawString(62 * mm, y, value[start : start + 36])
            y -= 7 * mm
        y -= 1 * mm
    pdf.setFont(font, 10)
    site = get_settings().site_name
    pdf.drawString(25 * mm, 30 * mm, f"本证明由{site}技术合同登记系统出具，可凭登记号在平台核验。")
    pdf.drawRightString(
        width - 25 * mm,
        20 * mm,
        f"登记机构：长春市科学技术局　{local_date(contract.registered_at)}",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
