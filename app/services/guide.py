"""The catalogue of 事项 shipped with the platform, each with its 办事指南 as data."""

from __future__ import annotations

from typing import Any

from app.models import ServiceItem
from app.models.enums import CaseStatus

VOUCHER = "innovation_voucher"
HIGH_TECH = "high_tech_subsidy"
RD = "rd_subsidy"
#: applications reviewed by an expert panel (app/reviews), then decided within the item's cap
AWARD = "expert_award"
#: items carried out by another domain; the hall links to it and reads its progress
CONTRACT = "contract_registration"
REWARD = "reward_claim"
GENERAL = "general"
LINKED = frozenset({CONTRACT, REWARD})

ASK = "长春市科学技术局政务服务窗口，电话 0431-12345，工作日 8:30—16:30；也可在平台“我的消息”中留言"

WINDOW = "市科技局政务服务窗口"


def _guide(
    conditions: list[str],
    materials: list[tuple[str, str]],
    office: str,
    last: tuple[str, int],
    review_days: int = 5,
    optional: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """A guide whose steps are 形式审查 and 受理 at the window, then 审核 and the last step at
    ``office``; the days are each step's legal time limit. The materials named in
    ``optional`` may be left out (选填); every other one must be uploaded before submitting."""
    return {
        "conditions": conditions,
        "materials": [
            {"name": name, "types": types, **({"optional": True} if name in optional else {})}
            for name, types in materials
        ],
        "steps": [
            {
                "name": "形式审查",
                "status": CaseStatus.SUBMITTED.value,
                "department": WINDOW,
                "days": 2,
            },
            {
                "name": "受理",
                "status": CaseStatus.FORMAL_REVIEW.value,
                "department": WINDOW,
                "days": 3,
            },
            {
                "name": "审核",
                "status": CaseStatus.ACCEPTED.value,
                "department": office,
                "days": review_days,
            },
            {
                "name": last[0],
                "status": CaseStatus.PROCESSING.value,
                "department": office,
                "days": last[1],
            },
        ],
        "fees": "不收费",
        "contact": ASK,
        "visits": 0,
    }


_VOUCHER_GUIDE = _guide(
    [
        "在长春市注册、具有独立法人资格的企业",
        "经认定的高新技术企业或入库的科技型中小企业（以平台机构资质为准，并在有效期内）",
        "购买的服务与企业科技创新活动直接相关：研究开发、检验检测、科技评估评价、科技咨询或综合科技服务",
    ],
    [
        ("创新券申领表（加盖公章）", "PDF"),
        ("高新技术企业证书或科技型中小企业入库登记编号", "PDF、JPG、PNG"),
        ("拟购买科技服务的说明", "PDF、DOCX"),
    ],
    "市科技局成果转化处",
    ("核定额度", 10),
    # The recognition itself is read from the organisation's record (OrgTag); the copy helps
    # the window when the record is being corrected, it does not decide.
    optional=frozenset({"高新技术企业证书或科技型中小企业入库登记编号"}),
)

_HIGH_TECH_GUIDE = _guide(
    ["当年通过高新技术企业认定的长春市企业"],
    [("高新技术企业证书", "PDF、JPG、PNG"), ("认定补贴申请表（加盖公章）", "PDF")],
    "市科技局高新技术处",
    ("办结", 10),
    review_days=10,
)

_CRITERIA_PLATFORM = [
    {"name": "开放服务情况", "weight": 40},
    {"name": "服务成效", "weight": 35},
    {"name": "运行管理", "weight": 25},
]
_CRITERIA_INSTITUTION = [
    {"name": "技术研发与成果转化", "weight": 40},
    {"name": "企业孵化与人才集聚", "weight": 30},
    {"name": "运行机制与管理", "weight": 30},
]
_CRITERIA_TRANSFER = [
    {"name": "机构建设与制度", "weight": 30},
    {"name": "成果转化成效", "weight": 50},
    {"name": "人才队伍", "weight": 20},
]
_CRITERIA_INCUBATOR = [
    {"name": "服务能力", "weight": 50},
    {"name": "孵化绩效", "weight": 50},
]


def _award(
    conditions: list[str],
    materials: list[tuple[str, str]],
    office: str,
    cap: str,
    criteria: list[dict[str, Any]],
    clause: str,
) -> dict[str, Any]:
    """An item decided after expert review: 审核, then 专家评审 and the amount within ``cap``."""
    return {
        **_guide(conditions, materials, office, ("专家评审、核定金额", 20), review_days=10),
        "cap": cap,
        "criteria": criteria,
        "clause": clause,
    }


def _linked(conditions: list[str], steps: list[str], link: str, clause: str) -> dict[str, Any]:
    """An item another domain carries out: its steps as that domain names them, and where."""
    return {
        "conditions": conditions,
        "materials": [],
        "steps": [{"name": s, "department": WINDOW, "days": 0} for s in steps],
        "fees": "不收费",
        "contact": ASK,
        "visits": 0,
        "link": link,
        "clause": clause,
    }


CATALOGUE: list[dict[str, Any]] = [
    {
        "code": "KJCXQ",
        "kind": VOUCHER,
        "title": "科技创新券申领",
        "item_no": 23,
        "department": "市科技局成果转化处",
        "summary": "每年投放3000万元科技创新券，支持高新技术企业、科技型中小企业购买研究开发、检验检测、"
        "科技评估评价、科技咨询等专业科技服务和综合科技服务。",
        "guide": {**_VOUCHER_GUIDE, "clause": "第二十三条"},
    },
    {
        "code": "GQRDBT",
        "kind": HIGH_TECH,
        "title": "高新技术企业认定补贴",
        "item_no": 20,
        "department": "市科技局高新技术处",
        "summary": "对通过高新技术企业认定的企业，市以创新券方式最高给予3万元认定补贴；县（市）区、开发区以后补助方式给予10万元奖励。",
        "guide": {
            **_HIGH_TECH_GUIDE,
            "clause": "第二十条",
            "city_amount": "30000.00",
            "district_amount": "100000.00",
        },
    },
    {
        "code": "YFTRBZ",
        "kind": RD,
        "title": "企业研发投入补助",
        "item_no": 21,
        "department": "市科技局政策法规处",
        "summary": "对纳入国家科技统计调查的企业，依据其“允许扣除的研发费用合计”，采取基础补助与增量奖励累加的方式，"
        "最高给予100万元补助。",
        "guide": {
            **_guide(
                [
                    "在长春市注册的企业，已纳入国家科技统计调查",
                    "填报本年度及上年度“允许扣除的研发费用合计”（以税务部门研发费用加计扣除数据为准）",
                ],
                [
                    ("企业研发费用加计扣除优惠明细表（A107012）", "PDF"),
                    ("国家科技统计调查（研发活动情况表）截图", "PDF、JPG、PNG"),
                    ("研发投入补助申请表（加盖公章）", "PDF"),
                ],
                "市科技局政策法规处",
                ("核定补助", 10),
                review_days=10,
            ),
            "cap": "1000000.00",
            "clause": "第二十一条",
        },
    },
    {
        "code": "ZSPTJL",
        "kind": AWARD,
        "title": "中试平台（基地）开放共享奖励",
        "item_no": 10,
        "department": "市科技局成果转化处",
        "summary": "对纳入市级备案的中试平台（基地），经定期考核其提供概念验证、中试熟化、检验检测、商业化开发等"
        "开放服务情况，择优最高给予200万元奖励。",
        "guide": _award(
            [
                "中试平台（基地）已纳入市级备案（平台“资源整合”中已发布、备案号在册）",
                "考核期内面向社会提供概念验证、中试熟化、检验检测、商业化开发等开放服务",
            ],
            [
                ("中试平台年度开放服务情况报告", "PDF、DOCX"),
                ("服务合同及服务对象清单", "PDF、XLSX"),
                ("奖励申请表（加盖公章）", "PDF"),
            ],
            "市科技局成果转化处",
            "2000000.00",
            _CRITERIA_PLATFORM,
            "第十条",
        ),
    },
    {
        "code": "XXYFJL",
        "kind": AWARD,
        "title": "新型研发机构绩效奖励",
        "item_no": 11,
        "department": "市科技局科研机构处",
        "summary": "对备案期满、绩效评价优秀的市级新型研发机构，最高给予200万元奖励。",
        "guide": _award(
            ["市级备案的新型研发机构，备案期已满", "绩效评价为优秀"],
            [
                ("新型研发机构备案期绩效自评报告", "PDF、DOCX"),
                ("技术研发、成果转化、企业孵化、人才集聚情况佐证材料", "PDF"),
                ("奖励申请表（加盖公章）", "PDF"),
            ],
            "市科技局科研机构处",
            "2000000.00",
            _CRITERIA_INSTITUTION,
            "第十一条",
        ),
    },
    {
        "code": "JSZYJL",
        "kind": AWARD,
        "title": "高校院所技术转移机构建设奖励",
        "item_no": 9,
        "department": "市科技局成果转化处",
        "summary": "鼓励高校院所加强技术转移机构建设，对成效显著的在长高校院所，最高给予100万元奖励（第九条第一款）。",
        "guide": _award(
            [
                "在长高校、科研院所，已建立技术转移机构（平台“技术转移机构”名录中已发布）",
                "梳理科技成果资源、发布科技成果目录，建立促进科技成果转化制度，成效显著",
            ],
            [
                ("技术转移机构建设及成效报告", "PDF、DOCX"),
                ("科技成果目录及转化制度文件", "PDF"),
                ("奖励申请表（加盖公章）", "PDF"),
            ],
            "市科技局成果转化处",
            "1000000.00",
            _CRITERIA_TRANSFER,
            "第九条第一款",
        ),
    },
    {
        "code": "FHQRD",
        "kind": AWARD,
        "title": "市级科技企业孵化器认定奖补",
        "item_no": 22,
        "department": "市科技局成果转化处",
        "summary": "对当年通过认定的市级科技企业孵化器，给予10万元奖补。",
        "guide": _award(
            ["当年通过认定的市级科技企业孵化器（平台“孵化器”名录中已发布）"],
            [("市级科技企业孵化器认定文件", "PDF、JPG、PNG"), ("奖补申请表（加盖公章）", "PDF")],
            "市科技局成果转化处",
            "100000.00",
            _CRITERIA_INCUBATOR,
            "第二十二条",
        ),
    },
    {
        "code": "FHQJX",
        "kind": AWARD,
        "title": "科技企业孵化器绩效奖补",
        "item_no": 22,
        "department": "市科技局成果转化处",
        "summary": "对市场化运营、可持续发展成效突出的科技企业孵化器，给予最高50万元奖补。",
        "guide": _award(
            ["科技企业孵化器市场化运营、可持续发展成效突出", "按服务能力、孵化绩效评价"],
            [
                ("孵化器年度运营及孵化绩效报告", "PDF、DOCX"),
                ("在孵企业及毕业企业清单", "PDF、XLSX"),
                ("奖补申请表（加盖公章）", "PDF"),
            ],
            "市科技局成果转化处",
            "500000.00",
            _CRITERIA_INCUBATOR,
            "第二十二条",
        ),
    },
    {
        "code": "JSHTDJ",
        "kind": CONTRACT,
        "title": "技术合同认定登记",
        "item_no": 13,
        "department": "技术合同登记机构",
        "summary": "技术开发、转让、许可、服务、咨询合同及技术入股协议的认定登记，登记后取得登记证明，"
        "并据以测算成果转化奖补。",
        "guide": _linked(
            ["合同当事人一方为平台已认证机构", "合同已签订，金额与技术交易额如实填报"],
            ["起草合同", "提交登记", "认定登记 / 退回修改"],
            "/contracts/new",
            "第十三条",
        ),
    },
    {
        "code": "CGZHJB",
        "kind": REWARD,
        "title": "科技成果转化奖补申领",
        "item_no": 15,
        "department": "市科技局成果转化处",
        "summary": "技术合同登记后，按政策第九、十五、十六、十八、十九条自动测算的奖补，经核定后拨付。",
        "guide": _linked(
            ["技术合同已在平台认定登记", "受益单位（或技术经纪人）为平台已认证用户"],
            ["登记后自动生成", "核定（准予 / 调整 / 不予）", "拨付"],
            "/incentives",
            "第十五条",
        ),
    },
]


def step_for(item: ServiceItem, status: CaseStatus) -> dict[str, Any] | None:
    """The guide's step that a case entering ``status`` now waits on, with its time limit."""
    for step in item.guide.get("steps", []):
        if step.get("status") == status.value:
            return dict(step)
    return None
