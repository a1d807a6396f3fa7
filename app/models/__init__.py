"""Every table of the platform; Alembic and the app import them from here."""

from app.core.db import Base
from app.models.attachment import Attachment
from app.models.audit import AuditEvent
from app.models.auth import ApiToken, LoginSession, LoginThrottle, PasswordResetToken
from app.models.challenge_solving import (
    ChallengeApplication,
    ChallengeMilestone,
    ChallengePanel,
    ChallengePanelMember,
    ChallengeScore,
)
from app.models.content_generation import ContentGeneration
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
from app.models.incentive import IncentiveBudget, IncentiveClaim, IncentiveRule
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
from app.models.search_term import SearchTerm
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
    "Challenge",
    "ChallengeApplication",
    "ChallengeMilestone",
    "ChallengePanel",
    "ChallengePanelMember",
    "ChallengeScore",
    "ConfidentialAccess",
    "ContactView",
    "ContentGeneration",
    "ContractMilestone",
    "ContractParty",
    "ContractPayment",
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
    "IncentiveBudget",
    "IncentiveClaim",
    "IncentiveRule",
    "Listing",
    "ListingVersion",
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
    "OrgTag",
    "Organization",
    "OutboxMessage",
    "PasswordResetToken",
    "PeriodicJobState",
    "RegistrationCounter",
    "SearchTerm",
    "Subscription",
    "SubscriptionHit",
    "TaxonomyTerm",
    "TechContract",
    "User",
]
