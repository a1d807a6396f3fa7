"""Conversations under many clients at once on a real server: one conversation per double
click, one read row per person, one answer per question."""

from __future__ import annotations

from sqlalchemy import func, select

from app.conversations import questions, service
from app.conversations.schemas import ConversationOpen
from app.core.audit import Actor
from app.core.db import session_scope
from app.models import AuditEvent, Conversation, ConversationRead, ListingQuestion, User
from app.models.enums import OrgRole, OrgType
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.races.conftest import RaceServer, race_server, statuses

__all__ = ["race_server"]


def _parties(server: RaceServer) -> tuple[int, str, str]:
    """A published achievement, its owner's token and an enterprise administrator's token."""
    with session_scope(server.factory) as s:
        university = make_org(s, org_type=OrgType.UNIVERSITY)
        owner = make_user(s, org=university, org_role=OrgRole.ADMIN, name="成果方")
        enterprise = make_org(s)
        buyer = make_user(s, org=enterprise, org_role=OrgRole.ADMIN, name="需求方")
        listing = make_listing(s, university, owner)
        return listing.id, server.token(s, owner), server.token(s, buyer)


def test_a_double_clicked_contact_opens_one_conversation(race_server: RaceServer) -> None:
    listing_id, _owner, buyer = _parties(race_server)
    body = {"subject_type": "listing", "subject_id": listing_id, "body": "想了解许可条件"}

    responses = race_server.at_once([(buyer, "POST", "/api/v1/conversations", body)] * 6)

    assert statuses(responses) == [201] + [409] * 5, [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 201).json()["id"]
    assert {r.json()["conversation_id"] for r in responses if r.status_code == 409} == {winner}
    with race_server.factory() as s:
        found = s.scalars(select(Conversation).where(Conversation.subject_id == listing_id)).all()
        assert [c.id for c in found] == [winner]
        opened = s.scalar(
            select(func.count()).where(
                AuditEvent.action == "conversation.open", AuditEvent.object_id == str(winner)
            )
        )
        assert opened == 1


def test_read_marks_sent_at_once_keep_one_row_and_the_latest_mark(
    race_server: RaceServer,
) -> None:
    listing_id, owner, _buyer = _parties(race_server)
    with session_scope(race_server.factory) as s:
        asker = s.scalars(
            select(User).where(User.name == "需求方").order_by(User.id.desc())
        ).first()
        assert asker is not None
        conversation = service.open_conversation(
            s,
            Actor(user=asker),
            ConversationOpen(subject_type="listing", subject_id=listing_id, body="第一条"),
        )
        for n in range(3):
            service.post_message(s, Actor(user=asker), conversation, f"第{n + 2}条")
        conversation_id = conversation.id
    url = f"/api/v1/conversations/{conversation_id}/read"

    responses = race_server.at_once([(owner, "POST", url, None)] * 6)

    assert statuses(responses) == [200] * 6, [r.text for r in responses]
    marks = {r.json()["last_read_message_id"] for r in responses}
    with race_server.factory() as s:
        rows = s.scalars(
            select(ConversationRead).where(ConversationRead.conversation_id == conversation_id)
        ).all()
        # The asker's row and one for the owner, however many marks arrived together.
        assert len(rows) == 2
        latest = max(r.last_read_message_id for r in rows)
        assert marks == {latest}
    inbox = race_server.at_once([(owner, "GET", "/api/v1/conversations", None)])[0].json()
    assert next(c for c in inbox["items"] if c["id"] == conversation_id)["unread"] == 0


def test_a_question_answered_by_several_clicks_at_once_is_answered_once(
    race_server: RaceServer,
) -> None:
    listing_id, owner, buyer = _parties(race_server)
    url = f"/api/v1/listings/{listing_id}/questions"
    asked = race_server.at_once([(buyer, "POST", url, {"body": "是否支持分期付款？"})])[0]
    question_id = asked.json()["id"]

    responses = race_server.at_once(
        [(owner, "POST", f"{url}/{question_id}/answer", {"answer": f"回答{n}"}) for n in range(5)]
    )

    assert statuses(responses) == [200] + [409] * 4, [r.text for r in responses]
    with race_server.factory() as s:
        question = s.get(ListingQuestion, question_id)
        assert question is not None and question.status == questions.ANSWERED
        answers = s.scalar(
            select(func.count()).where(
                AuditEvent.action == "listing_question.answer",
                AuditEvent.object_id == str(question_id),
            )
        )
        assert answers == 1
