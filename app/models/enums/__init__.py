"""Enumerations shared by tables, schemas and pages; values are stable codes, labels Chinese.

Each domain's enumerations live in a module of this package; import them from here.
"""

from app.models.enums.base import LabelledEnum
from app.models.enums.challenges import (
    ApplicationStatus,
    MilestoneStatus,
    PanelMemberStatus,
    PanelStatus,
)
from app.models.enums.content import (
    ContentKind,
    ContentStatus,
)
from app.models.enums.events import (
    ChiefRole,
    EventKind,
    EventStatus,
    MeetingOutcome,
    MeetingRequestStatus,
    MeetingStatus,
)
from app.models.enums.funding import (
    LedgerKind,
    ReservationStatus,
    TrancheStatus,
)
from app.models.enums.hall import (
    BookingAccess,
    BookingStatus,
    CaseStatus,
    PilotService,
    ResourceKind,
    ResourceStatus,
    UsagePayment,
    VoucherCategory,
    VoucherMode,
    VoucherOrderStatus,
)
from app.models.enums.incentives import (
    CapScope,
    ClaimStatus,
    IncentiveBase,
    IncentiveBeneficiary,
)
from app.models.enums.listings import (
    AccessStatus,
    ListingKind,
    ListingStatus,
    MaturityStage,
    TransferMode,
)
from app.models.enums.matching import (
    MatchKind,
    PipelineStage,
)
from app.models.enums.organisations import (
    MembershipStatus,
    OrgRole,
    OrgStatus,
    OrgTagKind,
    OrgType,
    Role,
)
from app.models.enums.patents import (
    NoveltyPurpose,
    NoveltyStatus,
    PatentLegalStatus,
)
from app.models.enums.projects import (
    CallStatus,
    FollowUpStatus,
    ObjectionStatus,
    ProjectStatus,
)
from app.models.enums.trading import (
    CONTRACT_ROLES,
    ContractStatus,
    ContractType,
    DealStatus,
    OfferStatus,
    PartyRole,
    PartySide,
)

__all__ = [
    "CONTRACT_ROLES",
    "AccessStatus",
    "ApplicationStatus",
    "BookingAccess",
    "BookingStatus",
    "CallStatus",
    "CapScope",
    "CaseStatus",
    "ChiefRole",
    "ClaimStatus",
    "ContentKind",
    "ContentStatus",
    "ContractStatus",
    "ContractType",
    "DealStatus",
    "EventKind",
    "EventStatus",
    "FollowUpStatus",
    "IncentiveBase",
    "IncentiveBeneficiary",
    "LabelledEnum",
    "LedgerKind",
    "ListingKind",
    "ListingStatus",
    "MatchKind",
    "MaturityStage",
    "MeetingOutcome",
    "MeetingRequestStatus",
    "MeetingStatus",
    "MembershipStatus",
    "MilestoneStatus",
    "NoveltyPurpose",
    "NoveltyStatus",
    "ObjectionStatus",
    "OfferStatus",
    "OrgRole",
    "OrgStatus",
    "OrgTagKind",
    "OrgType",
    "PanelMemberStatus",
    "PanelStatus",
    "PartyRole",
    "PartySide",
    "PatentLegalStatus",
    "PilotService",
    "PipelineStage",
    "ProjectStatus",
    "ReservationStatus",
    "ResourceKind",
    "ResourceStatus",
    "Role",
    "TrancheStatus",
    "TransferMode",
    "UsagePayment",
    "VoucherCategory",
    "VoucherMode",
    "VoucherOrderStatus",
]
