"""Enumerations shared by tables, schemas and pages; values are stable codes, labels Chinese."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Chinese label."""

    @property
    def label(self) -> str:
        # Keyed by class too: members of different enums with equal values are equal strings.
        return _LABELS.get((type(self), self.value), self.value)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_code(cls, value: str | None) -> Self | None:
        """The member with this code (a query parameter, a form value), or None."""
        return cls._value2member_map_.get(value or "")  # type: ignore[return-value]

    @classmethod
    def _missing_(cls, value: object) -> LabelledEnum | None:
        # People (forms, spreadsheets) write the Chinese label: 许可 means TransferMode.LICENSE.
        if isinstance(value, str):
            for member in cls:
                if member.label == value.strip():
                    return member
        return None


class OrgType(LabelledEnum):
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    NEW_RD = "new_rd"
    ENTERPRISE = "enterprise"
    TRANSFER_AGENCY = "transfer_agency"
    SERVICE_PROVIDER = "service_provider"
    GOVERNMENT = "government"


class OrgStatus(LabelledEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class OrgTagKind(LabelledEnum):
    HIGH_TECH = "high_tech"
    TECH_SME = "tech_sme"
    SPECIALISED = "specialised"
    LITTLE_GIANT = "little_giant"
    INCUBATOR = "incubator"
    TRANSFER_DEMO = "transfer_demo"


class Role(LabelledEnum):
    """A person's platform-wide role; organisation roles live on the membership."""

    PLATFORM_ADMIN = "platform_admin"
    DISTRICT_ADMIN = "district_admin"
    BROKER = "broker"
    EXPERT = "expert"
    NOVELTY_SEARCHER = "novelty_searcher"
    NOVELTY_REVIEWER = "novelty_reviewer"
    USER = "user"


class OrgRole(LabelledEnum):
    ADMIN = "admin"
    MEMBER = "member"


class MembershipStatus(LabelledEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"


class ListingKind(LabelledEnum):
    ACHIEVEMENT = "achievement"
    DEMAND = "demand"
    CHALLENGE = "challenge"


class ListingStatus(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    EXPIRED = "expired"
    # A challenge whose review named a winner: no more applications, still on view.
    AWARDED = "awarded"
    CLOSED = "closed"


class MaturityStage(LabelledEnum):
    LAB = "lab"
    SMALL_PILOT = "small_pilot"
    PILOT = "pilot"
    INDUSTRIAL = "industrial"


class TransferMode(LabelledEnum):
    ASSIGNMENT = "assignment"
    LICENSE = "license"
    EQUITY = "equity"
    JOINT_DEVELOPMENT = "joint_development"
    TECH_SERVICE = "tech_service"


class AccessStatus(LabelledEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    DENIED = "denied"


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


class ApplicationStatus(LabelledEnum):
    """A solver's application (揭榜申请) to a challenge."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


class PanelStatus(LabelledEnum):
    """The expert review of one challenge, from forming the panel to the award."""

    FORMING = "forming"
    SCORING = "scoring"
    CLOSED = "closed"
    AWARDED = "awarded"
    NO_AWARD = "no_award"


class PanelMemberStatus(LabelledEnum):
    ELIGIBLE = "eligible"
    EXCLUDED = "excluded"


class MilestoneStatus(LabelledEnum):
    """A milestone of an awarded challenge; accepting it releases its tranche."""

    PENDING = "pending"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class ReservationStatus(LabelledEnum):
    """Money set aside on a budget line for one subject (an award, a claim, a grant)."""

    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class TrancheStatus(LabelledEnum):
    """One instalment of a reservation: released when its milestone is accepted, then paid."""

    PENDING = "pending"
    RELEASED = "released"
    PAID = "paid"
    CANCELLED = "cancelled"


class LedgerKind(LabelledEnum):
    """What one funding ledger entry records."""

    RESERVE = "reserve"
    RELEASE = "release"
    PAY = "pay"
    CANCEL = "cancel"


class PatentLegalStatus(LabelledEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class NoveltyPurpose(LabelledEnum):
    PROJECT = "project"
    APPRAISAL = "appraisal"
    AWARD = "award"
    PATENT_FILING = "patent_filing"
    NEW_PRODUCT = "new_product"


class NoveltyStatus(LabelledEnum):
    """委托 → 检索 → 初稿 → 审核 → 出具报告."""

    COMMISSIONED = "commissioned"
    SEARCHING = "searching"
    DRAFTED = "drafted"
    IN_REVIEW = "in_review"
    ISSUED = "issued"


_LABEL_TEXT: list[tuple[StrEnum, str]] = [
    (ReservationStatus.OPEN, "占用中"),
    (ReservationStatus.CLOSED, "已结清"),
    (ReservationStatus.CANCELLED, "已取消"),
    (TrancheStatus.PENDING, "待拨付"),
    (TrancheStatus.RELEASED, "已下达"),
    (TrancheStatus.PAID, "已支付"),
    (TrancheStatus.CANCELLED, "已取消"),
    (LedgerKind.RESERVE, "预算占用"),
    (LedgerKind.RELEASE, "资金下达"),
    (LedgerKind.PAY, "支付"),
    (LedgerKind.CANCEL, "取消占用"),
    (OrgType.UNIVERSITY, "高校"),
    (OrgType.INSTITUTE, "科研院所"),
    (OrgType.NEW_RD, "新型研发机构"),
    (OrgType.ENTERPRISE, "企业"),
    (OrgType.TRANSFER_AGENCY, "技术转移机构"),
    (OrgType.SERVICE_PROVIDER, "服务机构"),
    (OrgType.GOVERNMENT, "政府部门"),
    (OrgStatus.PENDING, "待审核"),
    (OrgStatus.VERIFIED, "已认证"),
    (OrgStatus.REJECTED, "未通过"),
    (OrgStatus.SUSPENDED, "已停用"),
    (OrgTagKind.HIGH_TECH, "高新技术企业"),
    (OrgTagKind.TECH_SME, "科技型中小企业"),
    (OrgTagKind.SPECIALISED, "专精特新企业"),
    (OrgTagKind.LITTLE_GIANT, "专精特新“小巨人”企业"),
    (OrgTagKind.INCUBATOR, "科技企业孵化器"),
    (OrgTagKind.TRANSFER_DEMO, "技术转移示范机构"),
    (Role.PLATFORM_ADMIN, "平台管理员"),
    (Role.DISTRICT_ADMIN, "区县管理员"),
    (Role.BROKER, "技术经纪人"),
    (Role.EXPERT, "专家"),
    (Role.NOVELTY_SEARCHER, "查新员"),
    (Role.NOVELTY_REVIEWER, "审核员"),
    (Role.USER, "普通用户"),
    (PatentLegalStatus.PENDING, "审中"),
    (PatentLegalStatus.GRANTED, "有效（已授权）"),
    (PatentLegalStatus.REJECTED, "驳回"),
    (PatentLegalStatus.WITHDRAWN, "撤回"),
    (PatentLegalStatus.LAPSED, "失效"),
    (NoveltyPurpose.PROJECT, "立项"),
    (NoveltyPurpose.APPRAISAL, "成果鉴定"),
    (NoveltyPurpose.AWARD, "报奖"),
    (NoveltyPurpose.PATENT_FILING, "专利申请"),
    (NoveltyPurpose.NEW_PRODUCT, "新产品"),
    (NoveltyStatus.COMMISSIONED, "委托"),
    (NoveltyStatus.SEARCHING, "检索"),
    (NoveltyStatus.DRAFTED, "初稿"),
    (NoveltyStatus.IN_REVIEW, "审核"),
    (NoveltyStatus.ISSUED, "出具报告"),
    (OrgRole.ADMIN, "机构管理员"),
    (OrgRole.MEMBER, "机构成员"),
    (MembershipStatus.PENDING, "待机构审核"),
    (MembershipStatus.ACTIVE, "已加入"),
    (MembershipStatus.REJECTED, "已拒绝"),
    (ListingKind.ACHIEVEMENT, "科技成果"),
    (ListingKind.DEMAND, "技术需求"),
    (ListingKind.CHALLENGE, "揭榜挂帅"),
    (ListingStatus.DRAFT, "草稿"),
    (ListingStatus.SUBMITTED, "待审核"),
    (ListingStatus.PUBLISHED, "已发布"),
    (ListingStatus.RETURNED, "已退回"),
    (ListingStatus.EXPIRED, "已过期"),
    (ListingStatus.AWARDED, "已揭榜"),
    (ListingStatus.CLOSED, "已关闭"),
    (MaturityStage.LAB, "实验室"),
    (MaturityStage.SMALL_PILOT, "小试"),
    (MaturityStage.PILOT, "中试"),
    (MaturityStage.INDUSTRIAL, "产业化"),
    (TransferMode.ASSIGNMENT, "转让"),
    (TransferMode.LICENSE, "许可"),
    (TransferMode.EQUITY, "作价入股"),
    (TransferMode.JOINT_DEVELOPMENT, "合作开发"),
    (TransferMode.TECH_SERVICE, "技术服务"),
    (AccessStatus.REQUESTED, "待授权"),
    (AccessStatus.GRANTED, "已授权"),
    (AccessStatus.DENIED, "已拒绝"),
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
    (ApplicationStatus.DRAFT, "草稿"),
    (ApplicationStatus.SUBMITTED, "已提交"),
    (ApplicationStatus.WITHDRAWN, "已撤回"),
    (ApplicationStatus.AWARDED, "揭榜成功"),
    (ApplicationStatus.NOT_AWARDED, "未中榜"),
    (PanelStatus.FORMING, "专家组组建中"),
    (PanelStatus.SCORING, "专家评审中"),
    (PanelStatus.CLOSED, "评审结束"),
    (PanelStatus.AWARDED, "已确定揭榜方"),
    (PanelStatus.NO_AWARD, "本榜空缺"),
    (PanelMemberStatus.ELIGIBLE, "参加评审"),
    (PanelMemberStatus.EXCLUDED, "回避"),
    (MilestoneStatus.PENDING, "待提交"),
    (MilestoneStatus.SUBMITTED, "待验收"),
    (MilestoneStatus.RETURNED, "已退回"),
    (MilestoneStatus.ACCEPTED, "已验收"),
]

_LABELS: dict[tuple[type[StrEnum], str], str] = {
    (type(member), member.value): text for member, text in _LABEL_TEXT
}


class PipelineStage(LabelledEnum):
    """Where a proposed supply–demand pair stands; only ever moves forward (or closes)."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    CLOSED = "closed"


class MatchKind(LabelledEnum):
    ACHIEVEMENT = "achievement"
    DEMAND = "demand"
    CHALLENGE = "challenge"
    EXPERT = "expert"
    ORGANIZATION = "organization"


_LABEL_TEXT += [
    (PipelineStage.PROPOSED, "推荐"),
    (PipelineStage.CONFIRMED, "双方确认"),
    (PipelineStage.NEGOTIATING, "洽谈"),
    (PipelineStage.SIGNED, "签约"),
    (PipelineStage.CLOSED, "关闭"),
    (MatchKind.ACHIEVEMENT, "科技成果"),
    (MatchKind.DEMAND, "技术需求"),
    (MatchKind.CHALLENGE, "揭榜挂帅"),
    (MatchKind.EXPERT, "专家"),
    (MatchKind.ORGANIZATION, "机构"),
]
_LABELS.update({(type(member), member.value): text for member, text in _LABEL_TEXT})


# Technology trading: deals, technical contracts and their registration (认定登记).


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


_LABEL_TEXT += [
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
_LABELS.update({(type(member), member.value): text for member, text in _LABEL_TEXT})
# Matchmaking events and their 1:1 meetings.


class EventKind(LabelledEnum):
    THREE_CHIEFS = "three_chiefs"
    CAMPUS_TO_ENTERPRISE = "campus_to_enterprise"
    ENTERPRISE_TO_CAMPUS = "enterprise_to_campus"
    LAUNCH = "launch"
    MATCHMAKING = "matchmaking"
    ROADSHOW = "roadshow"


class EventStatus(LabelledEnum):
    DRAFT = "draft"
    REGISTRATION = "registration"
    CLOSED = "closed"
    SCHEDULED = "scheduled"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class ChiefRole(LabelledEnum):
    MAYOR = "mayor"
    PRESIDENT = "president"
    CHAIRMAN = "chairman"


class MeetingRequestStatus(LabelledEnum):
    SUGGESTED = "suggested"
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class MeetingStatus(LabelledEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class MeetingOutcome(LabelledEnum):
    NONE = "none"
    INTENT = "intent"
    NDA = "nda"
    VISIT = "visit"
    CONTRACT = "contract"


_LABELS.update(
    {
        (type(member), member.value): text
        for member, text in [
            (EventKind.THREE_CHIEFS, "三长联动"),
            (EventKind.CAMPUS_TO_ENTERPRISE, "高校走进企业"),
            (EventKind.ENTERPRISE_TO_CAMPUS, "企业走进高校"),
            (EventKind.LAUNCH, "成果发布会"),
            (EventKind.MATCHMAKING, "对接会"),
            (EventKind.ROADSHOW, "路演会"),
            (EventStatus.DRAFT, "筹备中"),
            (EventStatus.REGISTRATION, "报名中"),
            (EventStatus.CLOSED, "报名截止"),
            (EventStatus.SCHEDULED, "日程已发布"),
            (EventStatus.FINISHED, "已结束"),
            (EventStatus.CANCELLED, "已取消"),
            (ChiefRole.MAYOR, "市长"),
            (ChiefRole.PRESIDENT, "校长"),
            (ChiefRole.CHAIRMAN, "董事长"),
            (MeetingRequestStatus.SUGGESTED, "系统推荐"),
            (MeetingRequestStatus.PENDING, "待对方回复"),
            (MeetingRequestStatus.ACCEPTED, "双方同意"),
            (MeetingRequestStatus.DECLINED, "已婉拒"),
            (MeetingRequestStatus.EXPIRED, "已过期"),
            (MeetingRequestStatus.CANCELLED, "已取消"),
            (MeetingStatus.SCHEDULED, "已安排"),
            (MeetingStatus.HELD, "已洽谈"),
            (MeetingStatus.NO_SHOW, "未到场"),
            (MeetingStatus.CANCELLED, "已取消"),
            (MeetingOutcome.NONE, "暂无进展"),
            (MeetingOutcome.INTENT, "达成意向"),
            (MeetingOutcome.NDA, "签署保密协议"),
            (MeetingOutcome.VISIT, "约定走访"),
            (MeetingOutcome.CONTRACT, "签约"),
        ]
    }
)


# 信息发布: news, policies, notices, calls for applications and success stories.
class ContentKind(LabelledEnum):
    NEWS = "news"
    POLICY = "policy"
    NOTICE = "notice"
    CALL = "call"
    STORY = "story"


class ContentStatus(LabelledEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


# --- resources (资源整合) ------------------------------------------------------------------


class ResourceKind(LabelledEnum):
    LAB = "lab"
    INSTRUMENT = "instrument"
    PILOT_PLATFORM = "pilot_platform"
    INCUBATOR = "incubator"
    TRANSFER_INSTITUTION = "transfer_institution"
    SERVICE_PROVIDER = "service_provider"


class ResourceStatus(LabelledEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class PilotService(LabelledEnum):
    """What a 中试 platform offers (policy item 10)."""

    PROOF_OF_CONCEPT = "proof_of_concept"
    PILOT_SCALE = "pilot_scale"
    TESTING = "testing"
    COMMERCIAL_DEVELOPMENT = "commercial_development"


class VoucherCategory(LabelledEnum):
    """The service categories an innovation voucher pays for (policy item 23)."""

    RESEARCH = "research"
    TESTING = "testing"
    EVALUATION = "evaluation"
    CONSULTING = "consulting"
    INTEGRATED = "integrated"


class CaseStatus(LabelledEnum):
    """An application (办件) of the service hall, from draft to 办结."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    FORMAL_REVIEW = "formal_review"
    CORRECTION = "correction"
    NOT_ACCEPTED = "not_accepted"
    ACCEPTED = "accepted"
    PROCESSING = "processing"
    GRANTED = "granted"
    REFUSED = "refused"


class VoucherMode(LabelledEnum):
    """创新券: 通用 (the enterprise pays, then is reimbursed) or 通兑 (the provider redeems)."""

    GENERAL = "general"
    REDEEM = "redeem"


class BookingAccess(LabelledEnum):
    """Who may book a shared instrument."""

    PUBLIC = "public"
    VERIFIED_ORGS = "verified_orgs"
    OWN_ORG = "own_org"


class BookingStatus(LabelledEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class UsagePayment(LabelledEnum):
    """How a recorded use is paid; vouchers are settled by the service hall."""

    UNPAID = "unpaid"
    PAID = "paid"
    VOUCHER_PENDING = "voucher_pending"
    VOUCHER_PAID = "voucher_paid"


class VoucherOrderStatus(LabelledEnum):
    ORDERED = "ordered"
    PAID = "paid"


_LABELS.update(
    {
        (type(member), member.value): text
        for member, text in [
            (ContentKind.NEWS, "新闻动态"),
            (ContentKind.POLICY, "政策文件"),
            (ContentKind.NOTICE, "通知公告"),
            (ContentKind.CALL, "申报指南"),
            (ContentKind.STORY, "成果发布"),
            (ContentStatus.DRAFT, "草稿"),
            (ContentStatus.IN_REVIEW, "待审核"),
            (ContentStatus.RETURNED, "已退回"),
            (ContentStatus.SCHEDULED, "定时发布"),
            (ContentStatus.PUBLISHED, "已发布"),
            (ContentStatus.EXPIRED, "已过期"),
            (ContentStatus.WITHDRAWN, "已撤回"),
            (ResourceKind.LAB, "重点实验室与平台"),
            (ResourceKind.INSTRUMENT, "大型仪器"),
            (ResourceKind.PILOT_PLATFORM, "中试平台"),
            (ResourceKind.INCUBATOR, "孵化载体"),
            (ResourceKind.TRANSFER_INSTITUTION, "技术转移机构"),
            (ResourceKind.SERVICE_PROVIDER, "创新券服务机构"),
            (ResourceStatus.DRAFT, "草稿"),
            (ResourceStatus.PENDING, "待审核"),
            (ResourceStatus.PUBLISHED, "已发布"),
            (ResourceStatus.REJECTED, "未通过"),
            (ResourceStatus.WITHDRAWN, "已撤回"),
            (PilotService.PROOF_OF_CONCEPT, "概念验证"),
            (PilotService.PILOT_SCALE, "中试熟化"),
            (PilotService.TESTING, "检验检测"),
            (PilotService.COMMERCIAL_DEVELOPMENT, "商业化开发"),
            (VoucherCategory.RESEARCH, "研究开发"),
            (VoucherCategory.TESTING, "检验检测"),
            (VoucherCategory.EVALUATION, "科技评估评价"),
            (VoucherCategory.CONSULTING, "科技咨询"),
            (VoucherCategory.INTEGRATED, "综合科技服务"),
            (BookingAccess.PUBLIC, "对外开放"),
            (BookingAccess.VERIFIED_ORGS, "认证机构可预约"),
            (BookingAccess.OWN_ORG, "仅本单位"),
            (BookingStatus.PENDING, "待审批"),
            (BookingStatus.APPROVED, "已批准"),
            (BookingStatus.REJECTED, "未批准"),
            (BookingStatus.CANCELLED, "已取消"),
            (BookingStatus.COMPLETED, "已使用"),
            (UsagePayment.UNPAID, "未付费"),
            (UsagePayment.PAID, "已付费"),
            (UsagePayment.VOUCHER_PENDING, "待创新券结算"),
            (UsagePayment.VOUCHER_PAID, "创新券已结算"),
            (CaseStatus.DRAFT, "草稿"),
            (CaseStatus.SUBMITTED, "已提交"),
            (CaseStatus.FORMAL_REVIEW, "形式审查"),
            (CaseStatus.CORRECTION, "补正材料"),
            (CaseStatus.NOT_ACCEPTED, "不予受理"),
            (CaseStatus.ACCEPTED, "受理"),
            (CaseStatus.PROCESSING, "办理"),
            (CaseStatus.GRANTED, "办结（准予）"),
            (CaseStatus.REFUSED, "办结（不予）"),
            (VoucherMode.GENERAL, "通用"),
            (VoucherMode.REDEEM, "通兑"),
            (VoucherOrderStatus.ORDERED, "已下单"),
            (VoucherOrderStatus.PAID, "已兑付"),
        ]
    }
)


# 项目管理: programme calls (申报指南) and the projects applied for under them.


class CallStatus(LabelledEnum):
    """A programme call: drafted, open for applications, under expert review, ranked."""

    DRAFT = "draft"
    OPEN = "open"
    SCORING = "scoring"
    RANKED = "ranked"


class ProjectStatus(LabelledEnum):
    """One application under a call, from the draft to the project's closing (结项)."""

    DRAFT = "draft"
    UNIT_REVIEW = "unit_review"
    UNIT_RETURNED = "unit_returned"
    SUBMITTED = "submitted"
    FORMAL_FAILED = "formal_failed"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    PUBLICIZED = "publicized"
    IN_PROGRESS = "in_progress"
    MIDTERM_REVIEW = "midterm_review"
    ACCEPTANCE = "acceptance"
    RECTIFYING = "rectifying"
    ACCEPTED = "accepted"
    FAILED = "failed"
    CLOSED = "closed"
    #: 撤销立项: an objection during the 立项公示 was upheld; its reservation is released
    REVOKED = "revoked"


class FollowUpStatus(LabelledEnum):
    """Whether a rating of a finished case needs the bureau's answer (差评, grade ≤ 2)."""

    NONE = "none"
    OPEN = "open"
    ANSWERED = "answered"


class ObjectionStatus(LabelledEnum):
    """An objection (异议) filed during a project's 立项公示, and the bureau's answer."""

    OPEN = "open"
    UPHELD = "upheld"
    REVOKED = "revoked"


_LABELS.update(
    {
        (type(member), member.value): text
        for member, text in [
            (FollowUpStatus.NONE, "无需答复"),
            (FollowUpStatus.OPEN, "待答复"),
            (FollowUpStatus.ANSWERED, "已答复"),
            (ObjectionStatus.OPEN, "待答复"),
            (ObjectionStatus.UPHELD, "维持立项"),
            (ObjectionStatus.REVOKED, "撤销立项"),
            (ProjectStatus.REVOKED, "已撤销立项"),
            (CallStatus.DRAFT, "草稿"),
            (CallStatus.OPEN, "申报中"),
            (CallStatus.SCORING, "专家评审中"),
            (CallStatus.RANKED, "评审结束"),
            (ProjectStatus.DRAFT, "草稿"),
            (ProjectStatus.UNIT_REVIEW, "待单位审核"),
            (ProjectStatus.UNIT_RETURNED, "单位退回修改"),
            (ProjectStatus.SUBMITTED, "待形式审查"),
            (ProjectStatus.FORMAL_FAILED, "形式审查未通过"),
            (ProjectStatus.IN_REVIEW, "专家评审"),
            (ProjectStatus.APPROVED, "拟立项"),
            (ProjectStatus.NOT_APPROVED, "未立项"),
            (ProjectStatus.PUBLICIZED, "立项公示中"),
            (ProjectStatus.IN_PROGRESS, "执行中"),
            (ProjectStatus.MIDTERM_REVIEW, "中期检查"),
            (ProjectStatus.ACCEPTANCE, "验收中"),
            (ProjectStatus.RECTIFYING, "验收整改"),
            (ProjectStatus.ACCEPTED, "验收通过"),
            (ProjectStatus.FAILED, "验收不通过"),
            (ProjectStatus.CLOSED, "已结项"),
        ]
    }
)
