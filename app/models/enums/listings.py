"""Listings: achievements, demands and 揭榜挂帅 challenges, and access to their details."""

from __future__ import annotations

from app.models.enums.base import LabelledEnum, label_members


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


label_members(
    [
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
    ]
)
