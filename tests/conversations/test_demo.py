"""The demo conversations and questions: there after seeding, and loading again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.conversations import load_conversations
from app.demo.seed import seed
from app.models import Conversation, ConversationMessage, ListingQuestion


def test_demo_conversations(session: Session) -> None:
    assert seed(session)
    conversations = list(session.scalars(select(Conversation).order_by(Conversation.id)))
    assert [c.subject_type for c in conversations] == ["listing", "direct"]
    assert session.scalar(select(func.count()).select_from(ConversationMessage)) == 5
    statuses = sorted((q.status, q.is_private) for q in session.scalars(select(ListingQuestion)))
    assert statuses == [("answered", False), ("answered", True), ("pending", False)]
    load_conversations(session)
    assert session.scalar(select(func.count()).select_from(Conversation)) == 2
