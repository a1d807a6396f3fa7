"""Every table of the platform; Alembic and the app import them from here."""

from app.core.db import Base
from app.models.attachment import Attachment
from app.models.audit import AuditEvent
from app.models.auth import ApiToken, LoginSession, LoginThrottle, PasswordResetToken
from app.models.challenge_solving import (
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
)
from app.models.content import ContentItem, ContentVersion, PolicyClause
from app.models.content_generation import ContentGeneration
from app.models.conversation import (
    Conversation,
    ConversationMessage,
    ConversationRead,
    ConversationReport,
    ListingQuestion,
    OrgBlock,
)
from app.models.event import (
    Event,
    EventListing,
    EventOrganiser,
    EventParticipant,
    EventSession,
    EventSlot,
    EventTable,
    Meeting,
    MeetingRequest,
    MeetingSeat,
)
from app.models.funding import BudgetLine, FundingReservation, FundingTranche, LedgerEntry
from app.models.incentive import IncentiveClaim, IncentiveRule
from app.models.index_generation import IndexGeneration
from app.models.listing import (
    Achievement,
    Challenge,
    ConfidentialAccess,
    ContactView,
    Demand,
    Favourite,
    Listing,
    ListingVersion,
)
from app.models.mail import MailDelivery
from app.models.matching import (
    ExpertProfile,
    MatchFeedback,
    MatchPipeline,
    Subscription,
    SubscriptionHit,
)
from app.models.notification import Notification, NotificationPreference
from app.models.organization import Organization, OrgTag
from app.models.outbox import OutboxMessage, PeriodicJobState
from app.models.patent import (
    Literature,
    LiteratureVector,
    NoveltyCommission,
    NoveltyPoint,
    NoveltyReportCounter,
    Patent,
    PatentAchievement,
    PatentClaim,
    PatentVector,
)
from app.models.projects import (
    ProjectApplication,
    ProjectCall,
    ProjectCounter,
    ProjectMilestone,
    ProjectObjection,
    ProjectStep,
)
from app.models.resource import InstrumentBooking, Resource
from app.models.review import ReviewMember, ReviewScore
from app.models.search_term import SearchTerm
from app.models.service_hall import (
    OrgRdExpense,
    RdSubsidyRate,
    ServiceCase,
    ServiceCaseMaterial,
    ServiceCaseStep,
    ServiceCounter,
    ServiceItem,
    ServiceRating,
    VoucherOrder,
)
from app.models.statistics import StatCounter, StatShare
from app.models.taxonomy import TaxonomyTerm
from app.models.trading import (
    ContractMilestone,
    ContractParty,
    ContractPayment,
    Deal,
    DealMessage,
    DealOffer,
    RegistrationCounter,
    TechContract,
)
from app.models.user import User

__all__ = [
    "Achievement",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "BudgetLine",
    "Challenge",
    "ChallengeApplication",
    "ChallengeMilestone",
    "ChallengePanel",
    "ConfidentialAccess",
    "ContactView",
    "ContentGeneration",
    "ContentItem",
    "ContentVersion",
    "ContractMilestone",
    "ContractParty",
    "ContractPayment",
    "Conversation",
    "ConversationMessage",
    "ConversationRead",
    "ConversationReport",
    "Deal",
    "DealMessage",
    "DealOffer",
    "Demand",
    "Event",
    "EventListing",
    "EventOrganiser",
    "EventParticipant",
    "EventSession",
    "EventSlot",
    "EventTable",
    "ExpertProfile",
    "Favourite",
    "FundingReservation",
    "FundingTranche",
    "IncentiveClaim",
    "IncentiveRule",
    "IndexGeneration",
    "InstrumentBooking",
    "LedgerEntry",
    "Listing",
    "ListingQuestion",
    "ListingVersion",
    "Literature",
    "LiteratureVector",
    "LoginSession",
    "LoginThrottle",
    "MailDelivery",
    "MatchFeedback",
    "MatchPipeline",
    "Meeting",
    "MeetingRequest",
    "MeetingSeat",
    "Notification",
    "NotificationPreference",
    "NoveltyCommission",
    "NoveltyPoint",
    "NoveltyReportCounter",
    "OrgBlock",
    "OrgRdExpense",
    "OrgTag",
    "Organization",
    "OutboxMessage",
    "PasswordResetToken",
    "Patent",
    "PatentAchievement",
    "PatentClaim",
    "PatentVector",
    "PeriodicJobState",
    "PolicyClause",
    "ProjectApplication",
    "ProjectCall",
    "ProjectCounter",
    "ProjectMilestone",
    "ProjectObjection",
    "ProjectStep",
    "RdSubsidyRate",
    "RegistrationCounter",
    "Resource",
    "ReviewMember",
    "ReviewScore",
    "SearchTerm",
    "ServiceCase",
    "ServiceCaseMaterial",
    "ServiceCaseStep",
    "ServiceCounter",
    "ServiceItem",
    "ServiceRating",
    "StatCounter",
    "StatShare",
    "Subscription",
    "SubscriptionHit",
    "TaxonomyTerm",
    "TechContract",
    "User",
    "VoucherOrder",
]
