"""What each kind of listing accepts and shows; field names double as import column names."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from app.core.money import Money
from app.core.regions import REGIONS
from app.core.schemas import PlausibleDate, Schema
from app.models.enums import ListingKind, ListingStatus, MaturityStage, TransferMode

CHALLENGE_REWARD_CAP = Decimal(1_000_000)  # policy item 4: at most 100万元
MAX_KEYWORDS = 10


def _split_list(value: Any) -> Any:
    """Accept "a, b；c" as well as a list, as forms and spreadsheets send text."""
    if isinstance(value, str):
        for sep in "，,、;；|\n":
            value = value.replace(sep, " ")
        return [part for part in value.split() if part]
    return value


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ("", "面议"):
        return None
    return value


StrList = Annotated[list[str], BeforeValidator(_split_list)]
OptionalMoney = Annotated[Money | None, BeforeValidator(_blank_to_none)]
ModeList = Annotated[list[TransferMode], BeforeValidator(_split_list)]

# Sections an owner may keep confidential, per kind (the rest is either public or the contact).
CONFIDENTIAL_SECTIONS: dict[ListingKind, dict[str, str]] = {
    ListingKind.ACHIEVEMENT: {
        "description": "详细介绍",
        "advantages": "技术优势",
        "economic_benefit": "预期经济效益",
        "application_scenarios": "应用场景",
        "ip_items": "知识产权明细",
        "inventors": "完成人",
    },
    ListingKind.DEMAND: {
        "description": "需求详情",
        "problem": "待解决的问题",
        "indicators": "技术指标",
    },
    ListingKind.CHALLENGE: {
        "description": "榜单详情",
        "problem": "待解决的问题",
        "indicators": "技术指标",
        "requirements": "揭榜硬性条件",
    },
}


#: Chinese names of the listing fields, for forms and messages.
FIELD_LABELS = {
    "title": "名称",
    "summary": "简介",
    "description": "详细介绍",
    "field_code": "技术领域",
    "industry_code": "所属产业",
    "keywords": "关键词",
    "region_code": "所在区域",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "contact_email": "联系邮箱",
    "confidential": "保密设置",
    "trl": "技术就绪度",
    "maturity": "成熟度",
    "pilot_status": "中试情况",
    "ip_items": "知识产权",
    "transfer_modes": "转化方式",
    "price": "价格",
    "inventors": "完成人",
    "advantages": "技术优势",
    "economic_benefit": "预期经济效益",
    "application_scenarios": "应用场景",
    "problem": "待解决的问题",
    "indicators": "技术指标",
    "budget_min": "预算下限",
    "budget_max": "预算上限",
    "deadline": "需求截止日期",
    "cooperation_modes": "合作方式",
    "reward": "榜单奖励",
    "requirements": "揭榜条件",
    "application_deadline": "揭榜截止日期",
    "criteria": "评审标准",
    "external_id": "外部编号",
    "status": "状态",
    "reason_code": "原因",
    "reason_text": "说明",
}


class IPItem(Schema):
    type: Literal["patent", "software_copyright", "other"] = "patent"
    number: str = Field(min_length=2, max_length=40, description="专利号或登记号")
    title: str = Field(default="", max_length=120)


class Criterion(Schema):
    name: str = Field(min_length=2, max_length=40)
    weight: int = Field(ge=1, le=100, description="权重（%），各项之和为 100")


class ListingFields(Schema):
    """Fields every kind shares; ``None`` in an update means "leave unchanged"."""

    title: str | None = Field(default=None, min_length=4, max_length=120)
    summary: str | None = Field(default=None, min_length=10, max_length=1000)
    description: str | None = Field(default=None, max_length=20000)
    field_code: str | None = Field(
        default=None, max_length=30, description="技术领域代码，见 /api/v1/taxonomy/fields"
    )
    industry_code: str | None = Field(default=None, max_length=30)
    keywords: StrList | None = None
    region_code: str | None = None
    contact_name: str | None = Field(default=None, max_length=50)
    contact_phone: str | None = Field(default=None, max_length=30)
    contact_email: str | None = Field(default=None, max_length=254)
    confidential: StrList | None = Field(default=None, description="保密的部分，获得授权后才显示")
    external_id: str | None = Field(
        default=None, max_length=64, description="来源系统中的编号，用于去重"
    )
    version: int | None = Field(
        default=None,
        ge=1,
        description="修改时所依据的版本（也可用 If-Match 头）；已被他人修改时返回 409",
    )

    @field_validator("title", "summary", "description", "contact_name", "contact_phone")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if isinstance(value, str) else value

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        words = list(dict.fromkeys(w.strip() for w in value if w.strip()))
        if len(words) > MAX_KEYWORDS:
            raise ValueError(f"关键词最多{MAX_KEYWORDS}个")
        if any(len(w) > 20 for w in words):
            raise ValueError("每个关键词不超过20个字")
        return words

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and value not in REGIONS:
            raise ValueError("所在区域不在本市行政区划或开发区列表中")
        return value

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and ("@" not in value or "." not in value.split("@")[-1]):
            raise ValueError("邮箱格式不正确")
        return value or None


class AchievementFields(ListingFields):
    trl: int | None = Field(default=None, ge=1, le=9, description="技术就绪度 TRL 1–9")
    maturity: MaturityStage | None = None
    pilot_status: str | None = Field(default=None, max_length=200, description="中试情况")
    ip_items: list[IPItem] | None = None
    transfer_modes: ModeList | None = None
    price: OptionalMoney = Field(default=None, description="价格（元）；为空表示面议")
    inventors: StrList | None = None
    advantages: str | None = Field(
        default=None, max_length=5000, description="相对现有领先方案的优势"
    )
    economic_benefit: str | None = Field(default=None, max_length=5000, description="预期经济效益")
    application_scenarios: str | None = Field(default=None, max_length=5000)


class DemandFields(ListingFields):
    problem: str | None = Field(default=None, max_length=5000, description="待解决的问题")
    indicators: str | None = Field(default=None, max_length=5000, description="要达到的技术指标")
    budget_min: OptionalMoney = None
    budget_max: OptionalMoney = None
    deadline: PlausibleDate | None = None
    cooperation_modes: ModeList | None = None

    @model_validator(mode="after")
    def _budget_range(self) -> DemandFields:
        low, high = self.budget_min, self.budget_max
        if low is not None and high is not None and low > high:
            raise ValueError("预算下限不能高于上限")
        return self


class ChallengeFields(ListingFields):
    problem: str | None = Field(default=None, max_length=5000)
    indicators: str | None = Field(default=None, max_length=5000)
    reward: OptionalMoney = Field(default=None, description="榜单奖励（元），最高100万元")
    requirements: str | None = Field(
        default=None, max_length=5000, description="揭榜方须满足的硬性条件"
    )
    application_deadline: PlausibleDate | None = None
    criteria: list[Criterion] | None = Field(default=None, description="评审标准及权重")

    @field_validator("reward")
    @classmethod
    def _reward(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value <= 0:
            raise ValueError("榜单奖励须大于0")
        if value is not None and value > CHALLENGE_REWARD_CAP:
            raise ValueError("榜单奖励最高100万元（政策第4条）")
        return value

    @field_validator("criteria")
    @classmethod
    def _weights(cls, value: list[Criterion] | None) -> list[Criterion] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("请至少填写一项评审标准")
        total = sum(c.weight for c in value)
        if total != 100:
            raise ValueError(f"评审标准权重之和应为100，当前为{total}")
        if len({c.name for c in value}) != len(value):
            raise ValueError("评审标准名称不能重复")
        return value


FIELDS_BY_KIND: dict[ListingKind, type[ListingFields]] = {
    ListingKind.ACHIEVEMENT: AchievementFields,
    ListingKind.DEMAND: DemandFields,
    ListingKind.CHALLENGE: ChallengeFields,
}

# Fields that must be filled before a listing can be submitted for review.
REQUIRED_TO_SUBMIT: dict[ListingKind, dict[str, str]] = {
    ListingKind.ACHIEVEMENT: {
        "title": "成果名称",
        "summary": "成果简介",
        "field_code": "技术领域",
        "maturity": "成熟度",
        "transfer_modes": "转化方式",
        "advantages": "技术优势",
        "contact_name": "联系人",
        "contact_phone": "联系电话",
    },
    ListingKind.DEMAND: {
        "title": "需求名称",
        "summary": "需求简介",
        "field_code": "技术领域",
        "problem": "待解决的问题",
        "contact_name": "联系人",
        "contact_phone": "联系电话",
    },
    ListingKind.CHALLENGE: {
        "title": "榜单名称",
        "summary": "榜单简介",
        "field_code": "技术领域",
        "problem": "待解决的问题",
        "reward": "榜单奖励",
        "requirements": "揭榜条件",
        "application_deadline": "揭榜截止日期",
        "criteria": "评审标准",
        "contact_name": "联系人",
        "contact_phone": "联系电话",
    },
}


class ReturnDecision(Schema):
    reason_code: str = Field(
        min_length=1, max_length=30, description="退回原因代码，见 /api/v1/taxonomy/return-reasons"
    )
    reason_text: str = Field(default="", max_length=1000, description="补充说明")


class CloseDecision(Schema):
    reason_code: str = Field(
        min_length=1, max_length=30, description="关闭原因代码，见 /api/v1/taxonomy/close-reasons"
    )
    reason_text: str = Field(default="", max_length=300)


class AccessRequest(Schema):
    message: str = Field(default="", max_length=500, description="申请查看保密内容的说明")


class OrgBrief(Schema):
    id: int
    name: str
    org_type: str
    region: str


class AttachmentOut(Schema):
    id: int
    category: str = Field(description="image（图片，公开）或 document（附件，随详情可见）")
    filename: str
    size: int
    content_type: str
    url: str


class ListingOut(Schema):
    """A listing as the viewer may see it: hidden sections are absent, not empty."""

    id: int
    kind: ListingKind
    status: ListingStatus
    title: str
    summary: str
    field_code: str | None
    field: str
    industry_code: str | None
    keywords: list[str]
    region_code: str
    region: str
    org: OrgBrief
    published_at: datetime | None
    expires_at: datetime | None
    updated_at: datetime
    version: int
    detail_visible: bool = Field(description="是否可见详情和联系方式（已认证机构用户可见）")
    hidden_sections: list[str] = Field(description="保密且未获授权、因而未显示的部分")
    data: dict[str, Any] = Field(description="按类型区分的字段；未获权限的部分不出现")
    attachments: list[AttachmentOut] = Field(default_factory=list)
