"""Resources (资源整合) and the service hall (企业办事): vouchers, bookings, cases."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


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


label_members(
    [
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
        (VoucherOrderStatus.ORDERED, "已下单"),
        (VoucherOrderStatus.PAID, "已兑付"),
    ]
)
