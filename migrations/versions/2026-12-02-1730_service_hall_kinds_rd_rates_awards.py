"""service hall kinds: 研发投入补助 rates and R&D expense facts, the awards with expert review,
the items carried out by trading and incentives

Adds the columns a case needs for a computed amount (``explanation``) and the district's
recorded reward of 高新技术企业认定补贴 (``district_amount``); the bureau's first version of the
R&D subsidy rates; and the new items with their 办事指南, frozen here as they ship.

Revision ID: b2d4f6a8c0e1
Revises: 3f6a9d2c1b48
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import app.core.db
from app.core.db import utcnow

revision: str = "b2d4f6a8c0e1"
down_revision: str | None = "3f6a9d2c1b48"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = app.core.db.UTCDateTime(timezone=True)
MONEY = sa.Numeric(16, 2, asdecimal=True)
RATE = sa.Numeric(9, 6, asdecimal=True)

NEW_ITEMS = [
    {
        "code": "YFTRBZ",
        "kind": "rd_subsidy",
        "title": "企业研发投入补助",
        "item_no": 21,
        "department": "市科技局政策法规处",
        "summary": "对纳入国家科技统计调查的企业，依据其“允许扣除的研发费用合计”，采取基础补助与增量奖励累加的方式，最高给予100万元补助。",
        "guide": {
            "conditions": [
                "在长春市注册的企业，已纳入国家科技统计调查",
                "填报本年度及上年度“允许扣除的研发费用合计”（以税务部门研发费用加计扣除数据为准）",
            ],
            "materials": [
                {"name": "企业研发费用加计扣除优惠明细表（A107012）", "types": "PDF"},
                {"name": "国家科技统计调查（研发活动情况表）截图", "types": "PDF、JPG、PNG"},
                {"name": "研发投入补助申请表（加盖公章）", "types": "PDF"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局政策法规处",
                    "days": 10,
                },
                {
                    "name": "核定补助",
                    "status": "processing",
                    "department": "市科技局政策法规处",
                    "days": 10,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "cap": "1000000.00",
            "clause": "第二十一条",
        },
    },
    {
        "code": "ZSPTJL",
        "kind": "expert_award",
        "title": "中试平台（基地）开放共享奖励",
        "item_no": 10,
        "department": "市科技局成果转化处",
        "summary": "对纳入市级备案的中试平台（基地），经定期考核其提供概念验证、中试熟化、检验检测、商业化开发等开放服务情况，择优最高给予200万元奖励。",
        "guide": {
            "conditions": [
                "中试平台（基地）已纳入市级备案（平台“资源整合”中已发布、备案号在册）",
                "考核期内面向社会提供概念验证、中试熟化、检验检测、商业化开发等开放服务",
            ],
            "materials": [
                {"name": "中试平台年度开放服务情况报告", "types": "PDF、DOCX"},
                {"name": "服务合同及服务对象清单", "types": "PDF、XLSX"},
                {"name": "奖励申请表（加盖公章）", "types": "PDF"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局成果转化处",
                    "days": 10,
                },
                {
                    "name": "专家评审、核定金额",
                    "status": "processing",
                    "department": "市科技局成果转化处",
                    "days": 20,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "cap": "2000000.00",
            "criteria": [
                {"name": "开放服务情况", "weight": 40},
                {"name": "服务成效", "weight": 35},
                {"name": "运行管理", "weight": 25},
            ],
            "clause": "第十条",
        },
    },
    {
        "code": "XXYFJL",
        "kind": "expert_award",
        "title": "新型研发机构绩效奖励",
        "item_no": 11,
        "department": "市科技局科研机构处",
        "summary": "对备案期满、绩效评价优秀的市级新型研发机构，最高给予200万元奖励。",
        "guide": {
            "conditions": ["市级备案的新型研发机构，备案期已满", "绩效评价为优秀"],
            "materials": [
                {"name": "新型研发机构备案期绩效自评报告", "types": "PDF、DOCX"},
                {"name": "技术研发、成果转化、企业孵化、人才集聚情况佐证材料", "types": "PDF"},
                {"name": "奖励申请表（加盖公章）", "types": "PDF"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局科研机构处",
                    "days": 10,
                },
                {
                    "name": "专家评审、核定金额",
                    "status": "processing",
                    "department": "市科技局科研机构处",
                    "days": 20,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "cap": "2000000.00",
            "criteria": [
                {"name": "技术研发与成果转化", "weight": 40},
                {"name": "企业孵化与人才集聚", "weight": 30},
                {"name": "运行机制与管理", "weight": 30},
            ],
            "clause": "第十一条",
        },
    },
    {
        "code": "JSZYJL",
        "kind": "expert_award",
        "title": "高校院所技术转移机构建设奖励",
        "item_no": 9,
        "department": "市科技局成果转化处",
        "summary": "鼓励高校院所加强技术转移机构建设，对成效显著的在长高校院所，最高给予100万元奖励（第九条第一款）。",
        "guide": {
            "conditions": [
                "在长高校、科研院所，已建立技术转移机构（平台“技术转移机构”名录中已发布）",
                "梳理科技成果资源、发布科技成果目录，建立促进科技成果转化制度，成效显著",
            ],
            "materials": [
                {"name": "技术转移机构建设及成效报告", "types": "PDF、DOCX"},
                {"name": "科技成果目录及转化制度文件", "types": "PDF"},
                {"name": "奖励申请表（加盖公章）", "types": "PDF"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局成果转化处",
                    "days": 10,
                },
                {
                    "name": "专家评审、核定金额",
                    "status": "processing",
                    "department": "市科技局成果转化处",
                    "days": 20,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "cap": "1000000.00",
            "criteria": [
                {"name": "机构建设与制度", "weight": 30},
                {"name": "成果转化成效", "weight": 50},
                {"name": "人才队伍", "weight": 20},
            ],
            "clause": "第九条第一款",
        },
    },
    {
        "code": "FHQRD",
        "kind": "expert_award",
        "title": "市级科技企业孵化器认定奖补",
        "item_no": 22,
        "department": "市科技局成果转化处",
        "summary": "对当年通过认定的市级科技企业孵化器，给予10万元奖补。",
        "guide": {
            "conditions": ["当年通过认定的市级科技企业孵化器（平台“孵化器”名录中已发布）"],
            "materials": [
                {"name": "市级科技企业孵化器认定文件", "types": "PDF、JPG、PNG"},
                {"name": "奖补申请表（加盖公章）", "types": "PDF"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局成果转化处",
                    "days": 10,
                },
                {
                    "name": "专家评审、核定金额",
                    "status": "processing",
                    "department": "市科技局成果转化处",
                    "days": 20,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "cap": "100000.00",
            "criteria": [{"name": "服务能力", "weight": 50}, {"name": "孵化绩效", "weight": 50}],
            "clause": "第二十二条",
        },
    },
    {
        "code": "FHQJX",
        "kind": "expert_award",
        "title": "科技企业孵化器绩效奖补",
        "item_no": 22,
        "department": "市科技局成果转化处",
        "summary": "对市场化运营、可持续发展成效突出的科技企业孵化器，给予最高50万元奖补。",
        "guide": {
            "conditions": [
                "科技企业孵化器市场化运营、可持续发展成效突出",
                "按服务能力、孵化绩效评价",
            ],
            "materials": [
                {"name": "孵化器年度运营及孵化绩效报告", "types": "PDF、DOCX"},
                {"name": "在孵企业及毕业企业清单", "types": "PDF、XLSX"},
                {"name": "奖补申请表（加盖公章）", "types": "PDF"},
            ],
            "steps": [
                {
                    "name": "形式审查",
                    "status": "submitted",
                    "department": "市科技局政务服务窗口",
                    "days": 2,
                },
                {
                    "name": "受理",
                    "status": "formal_review",
                    "department": "市科技局政务服务窗口",
                    "days": 3,
                },
                {
                    "name": "审核",
                    "status": "accepted",
                    "department": "市科技局成果转化处",
                    "days": 10,
                },
                {
                    "name": "专家评审、核定金额",
                    "status": "processing",
                    "department": "市科技局成果转化处",
                    "days": 20,
                },
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "cap": "500000.00",
            "criteria": [{"name": "服务能力", "weight": 50}, {"name": "孵化绩效", "weight": 50}],
            "clause": "第二十二条",
        },
    },
    {
        "code": "JSHTDJ",
        "kind": "contract_registration",
        "title": "技术合同认定登记",
        "item_no": 13,
        "department": "技术合同登记机构",
        "summary": "技术开发、转让、许可、服务、咨询合同及技术入股协议的认定登记，登记后取得登记证明，并据以测算成果转化奖补。",
        "guide": {
            "conditions": [
                "合同当事人一方为平台已认证机构",
                "合同已签订，金额与技术交易额如实填报",
            ],
            "materials": [],
            "steps": [
                {"name": "起草合同", "department": "市科技局政务服务窗口", "days": 0},
                {"name": "提交登记", "department": "市科技局政务服务窗口", "days": 0},
                {"name": "认定登记 / 退回修改", "department": "市科技局政务服务窗口", "days": 0},
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "link": "/contracts/new",
            "clause": "第十三条",
        },
    },
    {
        "code": "CGZHJB",
        "kind": "reward_claim",
        "title": "科技成果转化奖补申领",
        "item_no": 15,
        "department": "市科技局成果转化处",
        "summary": "技术合同登记后，按政策第九、十五、十六、十八、十九条自动测算的奖补，经核定后拨付。",
        "guide": {
            "conditions": ["技术合同已在平台认定登记", "受益单位（或技术经纪人）为平台已认证用户"],
            "materials": [],
            "steps": [
                {"name": "登记后自动生成", "department": "市科技局政务服务窗口", "days": 0},
                {
                    "name": "核定（准予 / 调整 / 不予）",
                    "department": "市科技局政务服务窗口",
                    "days": 0,
                },
                {"name": "拨付", "department": "市科技局政务服务窗口", "days": 0},
            ],
            "fees": "不收费",
            "contact": "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言",
            "visits": 0,
            "link": "/incentives",
            "clause": "第十五条",
        },
    },
]

# Keys added to the guides of the two items shipped before.
GUIDE_ADDITIONS = {
    "KJCXQ": {"clause": "第二十三条"},
    "GQRDBT": {"clause": "第二十条", "city_amount": "30000.00", "district_amount": "100000.00"},
}


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    ]


ITEM = sa.table(
    "service_item",
    sa.column("id", sa.Integer()),
    *(sa.column(c) for c in ("code", "kind", "title", "item_no", "department", "summary")),
    sa.column("guide", sa.JSON()),
    sa.column("active", sa.Boolean()),
    sa.column("created_at", WHEN),
    sa.column("updated_at", WHEN),
)


def upgrade() -> None:
    with op.batch_alter_table("service_case") as batch:
        batch.add_column(sa.Column("explanation", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("district_amount", MONEY, nullable=True))
    op.create_table(
        "rd_subsidy_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base_rate", RATE, nullable=False),
        sa.Column("increment_rate", RATE, nullable=False),
        sa.Column("cap", MONEY, nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rd_subsidy_rate")),
        sa.UniqueConstraint("version", name=op.f("uq_rd_subsidy_rate_version")),
    )
    op.create_table(
        "org_rd_expense",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("surveyed", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_org_rd_expense_org_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_rd_expense")),
        sa.UniqueConstraint("org_id", "year", name=op.f("uq_org_rd_expense_org_id_year")),
    )
    now = utcnow()
    op.bulk_insert(
        sa.table(
            "rd_subsidy_rate",
            sa.column("version", sa.Integer()),
            sa.column("base_rate", RATE),
            sa.column("increment_rate", RATE),
            sa.column("cap", MONEY),
            sa.column("effective_from", sa.Date()),
            sa.column("note", sa.Text()),
            sa.column("created_at", WHEN),
            sa.column("updated_at", WHEN),
        ),
        [
            {
                "version": 1,
                "base_rate": Decimal("0.050000"),
                "increment_rate": Decimal("0.100000"),
                "cap": Decimal("1000000.00"),
                "effective_from": date(2026, 1, 1),
                "note": "征求意见稿第二十一条只定了上限：基础补助按本年度允许扣除的研发费用合计的5%，"
                "增量奖励按比上年度增加部分的10%，两项累加，最高100万元（市科技局公布的比例）。",
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    bind = op.get_bind()
    known = {row.code: row for row in bind.execute(sa.select(ITEM.c.id, ITEM.c.code, ITEM.c.guide))}
    for code, extra in GUIDE_ADDITIONS.items():
        if code in known:
            guide = {**(known[code].guide or {}), **extra}
            values: dict[str, object] = {"guide": guide, "updated_at": now}
            if code == "GQRDBT":
                values["kind"] = "high_tech_subsidy"
            bind.execute(ITEM.update().where(ITEM.c.id == known[code].id).values(**values))
    op.bulk_insert(
        ITEM,
        [
            {**item, "active": True, "created_at": now, "updated_at": now}
            for item in NEW_ITEMS
            if item["code"] not in known
        ],
    )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(ITEM.delete().where(ITEM.c.code.in_([i["code"] for i in NEW_ITEMS])))
    bind.execute(ITEM.update().where(ITEM.c.code == "GQRDBT").values(kind="general"))
    op.drop_table("org_rd_expense")
    op.drop_table("rd_subsidy_rate")
    with op.batch_alter_table("service_case") as batch:
        batch.drop_column("district_amount")
        batch.drop_column("explanation")
