"""incentive policy rules: items 9, 14, 15, 16 (three tiers), 18 and 19 of the city's policy

Revision ID: 7c3e9b51a0d4
Revises: eea273fc1769
Create Date: 2026-11-27 01:41:00

Each reward is a row: who benefits, the conditions, the base, rate, cap and its scope. Where
the draft is silent the reading chosen is written in ``note``. Later changes add versions
(new ``effective_from``), they never edit these rows.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.core.db

revision: str = "7c3e9b51a0d4"
down_revision: str | None = "eea273fc1769"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EFFECTIVE_FROM = date(2026, 1, 1)
CONVERSION = ["development", "transfer", "license", "equity"]  # 技术开发、转让、许可、入股
ALL_CONTRACTS = ["development", "transfer", "license", "service", "consulting", "equity"]
LOCAL_ENTERPRISE = {"org_types": ["enterprise"], "local": True}

RULES: list[dict[str, Any]] = [
    {
        "code": "P9",
        "item_no": 9,
        "clause": "第9条",
        "title": "技术转移机构促成技术交易补助",
        "clause_text": "对纳入市级备案的技术转移机构，促进技术交易并成功登记，"
        "按技术合同成交额的0.01%给予补助，每年最高100万元。",
        "beneficiary": "transfer_institution",
        "conditions": {"contract_types": ALL_CONTRACTS, "requires": ["filed_institution"]},
        "base": "contract_amount",
        "rate": Decimal("0.0001"),
        "cap": Decimal("1000000.00"),
        "cap_scope": "per_beneficiary_year",
        "note": "“技术合同成交额”取合同金额；年度上限在该机构当年全部合同间累计。"
        "同条对成效显著的在长高校院所最高100万元的奖励不按合同计算，未纳入本规则。",
    },
    {
        "code": "P14-1",
        "item_no": 14,
        "clause": "第14条",
        "title": "院士向在长企业转化科技成果奖励",
        "clause_text": "院士向在长企业转化科技成果，依据转化数量和所产生的经济效益，"
        "享受最高500万元奖励。",
        "beneficiary": "academician",
        "conditions": {
            "contract_types": CONVERSION,
            "transferee": LOCAL_ENTERPRISE,
            "requires": ["academician"],
        },
        "base": "none",
        "rate": None,
        "cap": Decimal("5000000.00"),
        "cap_scope": "per_beneficiary_year",
        "requires_selection": True,
        "note": "金额依据转化数量和经济效益评定；上限按每位院士每年累计。",
    },
    {
        "code": "P14-2",
        "item_no": 14,
        "clause": "第14条",
        "title": "院士成果国内首次产业化补助",
        "clause_text": "院士向在长企业转化的科技成果实现国内首次产业化的，给予院士最高1000万元资金补助。",
        "beneficiary": "academician",
        "conditions": {
            "contract_types": CONVERSION,
            "transferee": LOCAL_ENTERPRISE,
            "requires": ["academician", "first_industrialization"],
        },
        "base": "none",
        "rate": None,
        "cap": Decimal("10000000.00"),
        "cap_scope": "per_contract",
        "tier": 2,
        "requires_selection": True,
        "note": "按项目（合同）评定。",
    },
    {
        "code": "P15",
        "item_no": 15,
        "clause": "第15条",
        "title": "科技成果输出单位奖励",
        "clause_text": "在长高校院所、新型研发机构和外地高校院所在长技术转移机构，与本地企业签订"
        "技术开发、技术转让、技术许可合同或技术入股协议，按技术合同（协议）金额3%，"
        "最高给予科技成果输出单位100万元奖励。",
        "beneficiary": "transferor",
        "conditions": {
            "contract_types": CONVERSION,
            "transferor": {
                "org_types": ["university", "institute", "new_rd", "transfer_agency"],
                "local": True,
            },
            "transferee": LOCAL_ENTERPRISE,
        },
        "base": "contract_amount",
        "rate": Decimal("0.03"),
        "cap": Decimal("1000000.00"),
        "cap_scope": "per_beneficiary_year",
        "note": "“外地高校院所在长技术转移机构”按在长的技术转移机构认定；"
        "100万元上限按输出单位每年累计。",
    },
    {
        "code": "P16-1",
        "item_no": 16,
        "clause": "第16条",
        "title": "企业科技成果转化项目补助",
        "clause_text": "企业以技术开发、技术转让、技术许可合同或技术入股协议转化域内外高校院所"
        "科技成果且技术合同金额超过50万元的，按技术合同（协议）金额15%，最高给予100万元补助。",
        "beneficiary": "transferee",
        "conditions": {
            "contract_types": CONVERSION,
            "transferor": {"org_types": ["university", "institute"]},
            "transferee": LOCAL_ENTERPRISE,
            "threshold": {"base": "contract_amount", "amount": "500000.00", "inclusive": False},
        },
        "base": "contract_amount",
        "rate": Decimal("0.15"),
        "cap": Decimal("1000000.00"),
        "cap_scope": "per_contract",
        "tier": 1,
        "exclusive_group": "P16",
        "note": "“超过50万元”不含50万元；补助给在长企业，上限按项目（合同）计。"
        "第16条三档为同一项目的不同支持方式，一份合同只享受其一。",
    },
    {
        "code": "P16-2",
        "item_no": 16,
        "clause": "第16条",
        "title": "重大科技成果转化项目补助",
        "clause_text": "对技术合同交易额500万元（含）以上、技术创新性强、具有较好市场前景和经济效益的"
        "科技成果转化项目，择优确定为重大科技成果转化项目，按照当年实际交易额的20%，"
        "最高给予300万元补助。",
        "beneficiary": "transferee",
        "conditions": {
            "contract_types": CONVERSION,
            "transferor": {"org_types": ["university", "institute"]},
            "transferee": LOCAL_ENTERPRISE,
            "threshold": {"base": "transaction_amount", "amount": "5000000.00", "inclusive": True},
        },
        "base": "paid_in_year",
        "rate": Decimal("0.20"),
        "cap": Decimal("3000000.00"),
        "cap_scope": "per_contract",
        "tier": 2,
        "exclusive_group": "P16",
        "requires_selection": True,
        "note": "门槛看技术交易额（含500万元），计算基数为当年实际支付的交易额。",
    },
    {
        "code": "P16-3",
        "item_no": 16,
        "clause": "第16条",
        "title": "获奖科技成果在长转化支持",
        "clause_text": "对获省级以上科技奖励的成果直接在本市转化并取得较大经济效益的，"
        "最高给予实施转化的企业500万元资金支持。",
        "beneficiary": "transferee",
        "conditions": {
            "contract_types": CONVERSION,
            "transferee": LOCAL_ENTERPRISE,
            "requires": ["award_winning"],
        },
        "base": "none",
        "rate": None,
        "cap": Decimal("5000000.00"),
        "cap_scope": "per_contract",
        "tier": 3,
        "exclusive_group": "P16",
        "requires_selection": True,
        "note": "金额依据经济效益择优评定。",
    },
    {
        "code": "P18",
        "item_no": 18,
        "clause": "第18条",
        "title": "技术合同认定登记补助",
        "clause_text": "在长企事业单位签订技术合同，按技术合同实际成交额的1‰，"
        "给予合同登记方最高100万元补助。",
        "beneficiary": "registrant",
        "conditions": {
            "contract_types": ALL_CONTRACTS,
            "registrant": {
                "org_types": [
                    "university",
                    "institute",
                    "new_rd",
                    "enterprise",
                    "transfer_agency",
                    "service_provider",
                ],
                "local": True,
            },
        },
        "base": "transaction_amount",
        "rate": Decimal("0.001"),
        "cap": Decimal("1000000.00"),
        "cap_scope": "per_beneficiary_year",
        "note": "“实际成交额”取技术交易额（未填时为合同金额）；上限按登记方每年累计。",
    },
    {
        "code": "P19",
        "item_no": 19,
        "clause": "第19条",
        "title": "技术经纪（理）人奖补",
        "clause_text": "对技术经纪（理）人开展技术交易服务并在长实现转化的，"
        "按技术合同实际交易额的1%，给予最高30万元奖补。",
        "beneficiary": "broker",
        "conditions": {
            "contract_types": ALL_CONTRACTS,
            "transferee": {"local": True},
            "requires": ["broker"],
        },
        "base": "transaction_amount",
        "rate": Decimal("0.01"),
        "cap": Decimal("300000.00"),
        "cap_scope": "per_beneficiary_year",
        "note": "“在长实现转化”按受让方在长认定；上限按经纪人每年累计。",
    },
]


def upgrade() -> None:
    table = sa.table(
        "incentive_rule",
        sa.column("code", sa.String),
        sa.column("version", sa.Integer),
        sa.column("item_no", sa.Integer),
        sa.column("clause", sa.String),
        sa.column("title", sa.String),
        sa.column("clause_text", sa.Text),
        sa.column("beneficiary", sa.String),
        sa.column("conditions", sa.JSON),
        sa.column("base", sa.String),
        sa.column("rate", sa.Numeric(9, 6)),
        sa.column("cap", sa.Numeric(16, 2)),
        sa.column("cap_scope", sa.String),
        sa.column("tier", sa.Integer),
        sa.column("exclusive_group", sa.String),
        sa.column("requires_selection", sa.Boolean),
        sa.column("effective_from", sa.Date),
        sa.column("effective_to", sa.Date),
        sa.column("note", sa.Text),
        sa.column("created_at", app.core.db.UTCDateTime()),
        sa.column("updated_at", app.core.db.UTCDateTime()),
    )
    now = datetime.now(UTC)
    rows = [
        {
            "version": 1,
            "tier": 1,
            "exclusive_group": "",
            "requires_selection": False,
            "effective_from": EFFECTIVE_FROM,
            "effective_to": None,
            "created_at": now,
            "updated_at": now,
            **rule,
        }
        for rule in RULES
    ]
    op.bulk_insert(table, rows)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM incentive_rule WHERE version = 1"))
