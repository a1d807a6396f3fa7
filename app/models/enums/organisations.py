"""Organisations, their members and the people of the platform."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


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


label_members(
    [
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
        (OrgRole.ADMIN, "机构管理员"),
        (OrgRole.MEMBER, "机构成员"),
        (MembershipStatus.PENDING, "待机构审核"),
        (MembershipStatus.ACTIVE, "已加入"),
        (MembershipStatus.REJECTED, "已拒绝"),
    ]
)
