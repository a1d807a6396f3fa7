"""Technology trading: deals, technical contracts and their registration (认定登记)."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


class DealStatus(LabelledEnum):
    INTENT = "intent"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    REGISTERED = "registered"
    PERFORMING = "performing"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class OfferStatus(LabelledEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class ContractType(LabelledEnum):
    DEVELOPMENT = "development"
    TRANSFER = "transfer"
    LICENSE = "license"
    SERVICE = "service"
    CONSULTING = "consulting"
    EQUITY = "equity"


class PartySide(LabelledEnum):
    """Official statistics speak of the technology's seller (卖方) and buyer (买方)."""

    SELLER = "seller"
    BUYER = "buyer"


class PartyRole(LabelledEnum):
    CLIENT = "client"
    CONTRACTOR = "contractor"
    ASSIGNOR = "assignor"
    ASSIGNEE = "assignee"
    LICENSOR = "licensor"
    LICENSEE = "licensee"
    CONTRIBUTOR = "contributor"
    INVESTEE = "investee"

    @property
    def side(self) -> PartySide:
        return _SELLER_ROLES.get(self, PartySide.BUYER)


_SELLER_ROLES = {
    PartyRole.CONTRACTOR: PartySide.SELLER,
    PartyRole.ASSIGNOR: PartySide.SELLER,
    PartyRole.LICENSOR: PartySide.SELLER,
    PartyRole.CONTRIBUTOR: PartySide.SELLER,
}

#: The roles each contract type names its two sides with: (seller, buyer).
CONTRACT_ROLES: dict[ContractType, tuple[PartyRole, PartyRole]] = {
    ContractType.DEVELOPMENT: (PartyRole.CONTRACTOR, PartyRole.CLIENT),
    ContractType.TRANSFER: (PartyRole.ASSIGNOR, PartyRole.ASSIGNEE),
    ContractType.LICENSE: (PartyRole.LICENSOR, PartyRole.LICENSEE),
    ContractType.SERVICE: (PartyRole.CONTRACTOR, PartyRole.CLIENT),
    ContractType.CONSULTING: (PartyRole.CONTRACTOR, PartyRole.CLIENT),
    ContractType.EQUITY: (PartyRole.CONTRIBUTOR, PartyRole.INVESTEE),
}


class ContractStatus(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    REGISTERED = "registered"


label_members(
    [
        (DealStatus.INTENT, "意向"),
        (DealStatus.NEGOTIATING, "洽谈"),
        (DealStatus.SIGNED, "签约"),
        (DealStatus.REGISTERED, "登记"),
        (DealStatus.PERFORMING, "履约"),
        (DealStatus.COMPLETED, "完成"),
        (DealStatus.TERMINATED, "终止"),
        (OfferStatus.PROPOSED, "待答复"),
        (OfferStatus.ACCEPTED, "已接受"),
        (OfferStatus.REJECTED, "已拒绝"),
        (OfferStatus.SUPERSEDED, "已被还价"),
        (OfferStatus.WITHDRAWN, "已撤回"),
        (ContractType.DEVELOPMENT, "技术开发"),
        (ContractType.TRANSFER, "技术转让"),
        (ContractType.LICENSE, "技术许可"),
        (ContractType.SERVICE, "技术服务"),
        (ContractType.CONSULTING, "技术咨询"),
        (ContractType.EQUITY, "技术入股"),
        (PartySide.SELLER, "卖方"),
        (PartySide.BUYER, "买方"),
        (PartyRole.CLIENT, "委托方"),
        (PartyRole.CONTRACTOR, "受托方"),
        (PartyRole.ASSIGNOR, "让与方"),
        (PartyRole.ASSIGNEE, "受让方"),
        (PartyRole.LICENSOR, "许可方"),
        (PartyRole.LICENSEE, "被许可方"),
        (PartyRole.CONTRIBUTOR, "技术出资方"),
        (PartyRole.INVESTEE, "接受出资方"),
        (ContractStatus.DRAFT, "未提交登记"),
        (ContractStatus.SUBMITTED, "待认定"),
        (ContractStatus.RETURNED, "已退回"),
        (ContractStatus.REGISTERED, "已登记"),
    ]
)
