"""Request and response shapes for deals, technical contracts and their registration."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.core.money import Money, exact_yuan
from app.core.regions import REGIONS
from app.core.schemas import PastDate, PlausibleDate, Schema, VisibleText
from app.models.enums import (
    ContractStatus,
    ContractType,
    DealStatus,
    OfferStatus,
    OrgType,
    PartyRole,
    PartySide,
)
from app.trading.codes import IP_TYPES, LEGAL_PERSON_TYPES, TECH_FIELDS

Text = Annotated[str, VisibleText, StringConstraints(strip_whitespace=True)]


# --- contracts ------------------------------------------------------------------------------


class PartyIn(Schema):
    """A party: an organisation on the platform (``org_id``) or one named here."""

    role: PartyRole
    org_id: int | None = None
    name: Annotated[Text, StringConstraints(max_length=120)] = ""
    org_type: OrgType | None = None
    region_code: str | None = None
    legal_person_type: str | None = None

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value and value not in REGIONS:
            raise ValueError("所在区域代码不在本市区划表中（市外单位请选 220199 长春市外）")
        return value or None

    @field_validator("legal_person_type")
    @classmethod
    def _legal_person(cls, value: str | None) -> str | None:
        if value and value not in LEGAL_PERSON_TYPES:
            raise ValueError("法人类型代码不正确")
        return value or None

    @model_validator(mode="after")
    def _named(self) -> PartyIn:
        if self.org_id is None and not (self.name and self.org_type and self.region_code):
            raise ValueError("平台外的当事人需填写名称、机构类型和所在区域")
        return self


class MilestoneIn(Schema):
    name: Annotated[Text, StringConstraints(min_length=1, max_length=60)]
    amount: Money
    due_on: PlausibleDate | None = None
    description: Annotated[Text, StringConstraints(max_length=2000)] = ""


class PatentRef(Schema):
    number: Annotated[Text, StringConstraints(min_length=1, max_length=40)]
    title: Annotated[Text, StringConstraints(max_length=200)] = ""
    kind: Annotated[Text, StringConstraints(max_length=20)] = ""


class ContractCreate(Schema):
    """A technical contract with its parties and payment milestones."""

    title: Annotated[Text, StringConstraints(min_length=2, max_length=120)]
    contract_type: ContractType
    contract_no: Annotated[Text, StringConstraints(max_length=60)] = ""
    total_amount: Money
    tech_amount: Money | None = Field(
        default=None, description="技术交易额，不超过合同总额；不填则等于合同总额"
    )
    signed_on: PastDate
    term_start: PlausibleDate | None = None
    term_end: PlausibleDate | None = None
    tech_field: str = Field(description="技术领域代码（见 /api/v1/contracts/codes）")
    ip_type: str = Field(default="00", description="知识产权类型代码")
    summary: Annotated[Text, StringConstraints(max_length=5000)] = ""
    broker_id: int | None = None
    transfer_org_id: int | None = None
    achievement_ids: list[int] = Field(default_factory=list, max_length=20)
    patents: list[PatentRef] = Field(default_factory=list, max_length=50)
    parties: list[PartyIn] = Field(min_length=2, max_length=10)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=20)
    deal_id: int | None = None

    @field_validator("tech_field")
    @classmethod
    def _field(cls, value: str) -> str:
        if value not in TECH_FIELDS:
            raise ValueError("技术领域代码不正确")
        return value

    @field_validator("ip_type")
    @classmethod
    def _ip(cls, value: str) -> str:
        if value not in IP_TYPES:
            raise ValueError("知识产权类型代码不正确")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ContractCreate:
        if self.tech_amount is None:
            self.tech_amount = self.total_amount
        if self.tech_amount > self.total_amount:
            raise ValueError("技术交易额不能超过合同总额")
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValueError("履行期限的结束日期不能早于开始日期")
        sides = {p.role.side for p in self.parties}
        if sides != {PartySide.SELLER, PartySide.BUYER}:
            raise ValueError("合同至少要有一个技术卖方（如让与方、受托方）和一个买方")
        planned = sum((m.amount for m in self.milestones), Decimal("0.00"))
        if planned > self.total_amount:
            raise ValueError(
                f"各付款节点金额合计（{exact_yuan(planned)}）超过了合同总额（{exact_yuan(self.total_amount)}）"
            )
        return self


class PartyOut(Schema):
    id: int
    role: PartyRole
    side: PartySide
    org_id: int | None
    name: str
    org_type: OrgType
    region_code: str
    is_local: bool
    legal_person_type: str


class PaymentOut(Schema):
    id: int
    milestone_id: int | None
    amount: Money
    paid_on: date
    note: str
    created_at: datetime


class MilestoneOut(Schema):
    id: int
    position: int
    name: str
    description: str
    amount: Money
    due_on: date | None
    completed_on: date | None
    paid_amount: Money


class ContractOut(Schema):
    id: int
    title: str
    contract_type: ContractType
    contract_no: str
    deal_id: int | None
    total_amount: Money
    tech_amount: Money
    signed_on: date
    term_start: date | None
    term_end: date | None
    tech_field: str
    ip_type: str
    summary: str
    patents: list[dict[str, Any]]
    broker_id: int | None
    transfer_org_id: int | None
    status: ContractStatus
    registrant_org_id: int | None
    submitted_at: datetime | None
    return_reason: str
    registration_no: str | None
    registered_at: datetime | None
    rules_version: str
    paid_amount: Money
    parties: list[PartyOut]
    milestones: list[MilestoneOut]
    payments: list[PaymentOut]
    achievement_ids: list[int]


class RegistrationSubmit(Schema):
    org_id: int | None = Field(
        default=None, description="登记方（当事人之一）；不填则为提交人所在机构"
    )


class ReturnReason(Schema):
    reason: Annotated[Text, StringConstraints(min_length=2, max_length=1000)]


class PaymentCreate(Schema):
    milestone_id: int | None = None
    amount: Money
    paid_on: PastDate
    note: Annotated[Text, StringConstraints(max_length=300)] = ""

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("到账金额应大于 0")
        return value


# --- deals ----------------------------------------------------------------------------------


class DealOpen(Schema):
    listing_id: int
    message: Annotated[Text, StringConstraints(min_length=2, max_length=5000)]
    broker_id: int | None = None


class MessageCreate(Schema):
    body: Annotated[Text, StringConstraints(min_length=1, max_length=5000)]


class OfferCreate(Schema):
    price: Money
    terms: Annotated[Text, StringConstraints(max_length=5000)] = ""


class TerminateReason(Schema):
    reason: Annotated[Text, StringConstraints(min_length=2, max_length=500)]


class BrokerSet(Schema):
    broker_id: int | None


class MessageOut(Schema):
    id: int
    author_id: int | None
    body: str
    is_event: bool
    created_at: datetime


class OfferOut(Schema):
    id: int
    org_id: int | None
    author_id: int
    price: Money
    terms: str
    status: OfferStatus
    created_at: datetime
    decided_at: datetime | None


class DealOut(Schema):
    id: int
    listing_id: int
    title: str
    owner_org_id: int
    inquirer_org_id: int
    broker_id: int | None
    status: DealStatus
    agreed_price: Money | None
    agreed_terms: str
    terminate_reason: str
    created_at: datetime
    last_activity_at: datetime


class DealDetail(DealOut):
    messages: list[MessageOut]
    offers: list[OfferOut]
    contract_id: int | None = None
