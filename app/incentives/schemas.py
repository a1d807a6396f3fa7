"""What the rewards engine reads (a contract's facts, a rule's conditions) and what it answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, computed_field, model_validator

from app.content.policy import clause_path
from app.core.money import Money
from app.core.schemas import PlausibleDate, Schema
from app.models.enums import (
    CapScope,
    ClaimStatus,
    ContractType,
    IncentiveBase,
    IncentiveBeneficiary,
    OrgType,
)


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _checkbox(value: Any) -> Any:
    # HTML checkboxes send "on"; an unticked one sends nothing.
    if isinstance(value, str) and value.strip().lower() in ("on", "yes", "是"):
        return True
    return value


Flag = Annotated[bool, BeforeValidator(_checkbox)]
OptionalMoney = Annotated[Money | None, BeforeValidator(_blank_to_none)]
OptionalInt = Annotated[int | None, BeforeValidator(_blank_to_none)]


class PartyFacts(Schema):
    """One party of the contract as the policy sees it: what kind of body, and whether local."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=120)
    org_id: OptionalInt = None
    org_type: OrgType
    local: Flag = Field(True, description="是否在长（注册地在长春市）")


class BrokerFacts(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=50)
    user_id: OptionalInt = None


class InstitutionFacts(Schema):
    """The technology-transfer institution that helped the deal."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=120)
    org_id: OptionalInt = None
    filed: Flag = Field(False, description="是否纳入市级备案")


class ContractFacts(Schema):
    """Everything the policy's rewards depend on, for one technical contract in one year.

    ``transferor`` is the side that supplies the technology (让与方、研究开发方、成果输出单位),
    ``transferee`` the side that takes it up (受让方、委托方).
    """

    model_config = ConfigDict(extra="forbid")

    contract_type: ContractType
    contract_amount: Money = Field(description="技术合同（协议）金额（元）")
    transaction_amount: OptionalMoney = Field(
        None, description="技术交易额（元）；不填时等于合同金额"
    )
    paid_in_year: OptionalMoney = Field(None, description="当年实际支付额（元）；不填时按 0 计")
    year: int = Field(ge=2000, le=2100, description="所属年度")
    on: PlausibleDate | None = Field(None, description="判定日期（认定登记日），决定适用的规则版本")
    transferor: PartyFacts
    transferee: PartyFacts
    registrant: Literal["transferor", "transferee"] = "transferee"
    broker: BrokerFacts | None = None
    transfer_institution: InstitutionFacts | None = None
    academician: str = Field(default="", max_length=50, description="转化成果的院士姓名")
    first_industrialization: Flag = Field(False, description="国内首次产业化")
    award_winning: Flag = Field(False, description="成果获省级以上科技奖励")

    @model_validator(mode="after")
    def _amounts_agree(self) -> ContractFacts:
        if self.transaction_amount is not None and self.transaction_amount > self.contract_amount:
            raise ValueError("技术交易额不能大于合同金额")
        return self

    @property
    def technology_amount(self) -> Decimal:
        return (
            self.transaction_amount if self.transaction_amount is not None else self.contract_amount
        )

    @property
    def judged_on(self) -> date:
        return self.on or date(self.year, 12, 31)


class PartyCondition(Schema):
    model_config = ConfigDict(extra="forbid")

    org_types: list[OrgType] | None = None
    local: bool | None = None


class Threshold(Schema):
    model_config = ConfigDict(extra="forbid")

    base: IncentiveBase
    amount: Decimal
    inclusive: bool = False


Requirement = Literal[
    "broker", "filed_institution", "academician", "first_industrialization", "award_winning"
]


class RuleConditions(Schema):
    """When a rule applies; every condition left out is not checked."""

    model_config = ConfigDict(extra="forbid")

    contract_types: list[ContractType] | None = None
    transferor: PartyCondition | None = None
    transferee: PartyCondition | None = None
    registrant: PartyCondition | None = None
    threshold: Threshold | None = None
    requires: list[Requirement] = Field(default_factory=list)


class QuoteItem(Schema):
    """One reward of the policy for one contract: what it comes to, or why it does not apply."""

    rule_code: str
    rule_version: int
    item_no: int
    clause: str
    title: str
    beneficiary: IncentiveBeneficiary
    beneficiary_label: str
    beneficiary_name: str
    beneficiary_key: str
    applies: bool
    requires_selection: bool
    exclusive_group: str
    base: IncentiveBase
    base_label: str
    base_amount: Money | None
    rate: Decimal | None
    rate_text: str
    cap: Money
    cap_scope: CapScope
    cap_scope_label: str
    claimed_this_year: Money | None
    remaining_cap: Money | None
    amount: Money | None
    explanation: str
    reasons: list[str]


class Quote(Schema):
    facts: ContractFacts
    items: list[QuoteItem]
    total: Money
    rounding: str


class RuleOut(Schema):
    id: int
    code: str
    version: int
    item_no: int
    clause: str
    title: str
    clause_text: str
    beneficiary: IncentiveBeneficiary
    conditions: dict[str, Any]
    base: IncentiveBase
    rate: Decimal | None
    cap: Money
    cap_scope: CapScope
    tier: int
    exclusive_group: str
    requires_selection: bool
    effective_from: date
    effective_to: date | None
    note: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def clause_url(self) -> str:
        """The clause this reward rests on, on the published policy's page."""
        return clause_path(self.item_no)


class RuleRevision(Schema):
    """A new version of a rule from ``effective_from`` on; fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    effective_from: PlausibleDate
    rate: Decimal | None = Field(None, ge=0, le=1)
    cap: Money | None = None
    conditions: RuleConditions | None = None
    note: str = Field(default="", max_length=2000)


class ClaimOut(Schema):
    id: int
    rule_code: str
    item_no: int
    year: int
    contract_id: int | None
    contract_label: str
    beneficiary: IncentiveBeneficiary
    beneficiary_name: str
    beneficiary_org_id: int | None
    beneficiary_user_id: int | None
    base_amount: Money | None
    rate: Decimal | None
    computed_amount: Money
    approved_amount: Money | None
    requires_selection: bool
    explanation: str
    status: ClaimStatus
    decision_reason: str
    decided_at: datetime | None
    paid_at: datetime | None


class ClaimDecision(Schema):
    """Approve (optionally adjusting the amount, which needs a reason), reject, or mark paid."""

    model_config = ConfigDict(extra="forbid")

    amount: OptionalMoney = None
    reason: str = Field(default="", max_length=500)


class BudgetOut(Schema):
    id: int
    item_no: int
    year: int
    total: Money
    committed: Money
    remaining: Money


class BudgetSet(Schema):
    model_config = ConfigDict(extra="forbid")

    item_no: int = Field(ge=1, le=30)
    year: int = Field(ge=2000, le=2100)
    total: Money
