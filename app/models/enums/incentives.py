"""Reward policies (奖补) and the claims against them."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class IncentiveBeneficiary(LabelledEnum):
    """Who a policy reward goes to, named by the part the beneficiary plays in the contract."""

    TRANSFEROR = "transferor"
    TRANSFEREE = "transferee"
    REGISTRANT = "registrant"
    BROKER = "broker"
    TRANSFER_INSTITUTION = "transfer_institution"
    ACADEMICIAN = "academician"


class IncentiveBase(LabelledEnum):
    """The amount a reward's rate applies to."""

    CONTRACT_AMOUNT = "contract_amount"
    TRANSACTION_AMOUNT = "transaction_amount"
    PAID_IN_YEAR = "paid_in_year"
    NONE = "none"


class CapScope(LabelledEnum):
    PER_CONTRACT = "per_contract"
    PER_BENEFICIARY_YEAR = "per_beneficiary_year"


class ClaimStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


label_members(
    [
        (IncentiveBeneficiary.TRANSFEROR, "让与方（成果输出单位）"),
        (IncentiveBeneficiary.TRANSFEREE, "受让方（成果承接企业）"),
        (IncentiveBeneficiary.REGISTRANT, "合同登记方"),
        (IncentiveBeneficiary.BROKER, "技术经纪人"),
        (IncentiveBeneficiary.TRANSFER_INSTITUTION, "技术转移机构"),
        (IncentiveBeneficiary.ACADEMICIAN, "院士"),
        (IncentiveBase.CONTRACT_AMOUNT, "技术合同金额"),
        (IncentiveBase.TRANSACTION_AMOUNT, "技术交易额"),
        (IncentiveBase.PAID_IN_YEAR, "当年实际支付额"),
        (IncentiveBase.NONE, "无（择优评定）"),
        (CapScope.PER_CONTRACT, "每份合同"),
        (CapScope.PER_BENEFICIARY_YEAR, "每个受益方每年"),
        (ClaimStatus.PENDING, "待审核"),
        (ClaimStatus.APPROVED, "已核定"),
        (ClaimStatus.REJECTED, "未通过"),
        (ClaimStatus.PAID, "已拨付"),
    ]
)
