"""Public questions and answers on a listing.

Signed-in people ask; the listing's owner (or its organisation's administrator) answers,
and may keep the answer private to the asker. An answered public question shows on the
listing's page; staff who review the listing may hide a question at any time.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.conversations import notices, repository
from app.conversations.schemas import AnswerCreate, QuestionOut
from app.core import audit
from app.core.audit import Actor
from app.core.db import lock_row, utcnow
from app.core.errors import Conflict, NotAuthenticated, NotFound
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can, of_its_org
from app.core.ratelimit import too_many, wait_text
from app.models import Listing, ListingQuestion, User
from app.models.enums import ListingStatus
from app.notifications import service as notifications

QUESTIONS_PER_HOUR = 10
PENDING, ANSWERED, HIDDEN = "pending", "answered", "hidden"
STATUS_LABELS = {PENDING: "待回答", ANSWERED: "已回答", HIDDEN: "已屏蔽"}


def _link(listing: Listing) -> str:
    return f"/{listing.kind.value}s/{listing.id}#questions"


def _listing(session: Session, listing_id: int) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != ListingStatus.PUBLISHED:
        raise NotFound("该信息不存在或尚未发布")
    return listing


def sees_all(user: User | None, listing: Listing) -> bool:
    """The owner's side and the reviewing staff see every question, pending and hidden."""
    return can(user, Action.LISTING_EDIT, listing) or can(user, Action.LISTING_REVIEW, listing)


def _out(question: ListingQuestion, user: User | None) -> QuestionOut:
    return QuestionOut(
        id=question.id,
        listing_id=question.listing_id,
        body=question.body,
        status=question.status,
        answer=question.answer,
        is_private=question.is_private,
        created_at=question.created_at,
        answered_at=question.answered_at,
        mine=user is not None and question.asker_id == user.id,
    )


def list_questions(
    session: Session, user: User | None, listing_id: int, pagination: Pagination
) -> Paged:
    """The listing's questions as ``user`` may read them, newest first."""
    listing = _listing(session, listing_id)
    stmt = repository.questions(
        listing.id, everything=sees_all(user, listing), asker_id=user.id if user else None
    )
    page = paginate(session, stmt, pagination)
    items = [_out(q, user) for q in page.items]
    return Paged(items=items, total=page.total, page=page.page, size=page.size)


def ask(session: Session, actor: Actor, listing_id: int, body: str) -> QuestionOut:
    user = actor.user
    if user is None:
        raise NotAuthenticated("请先登录后再提问")
    listing = _listing(session, listing_id)
    if of_its_org(user, listing):
        raise Conflict("不能向本机构发布的信息提问")
    since = utcnow() - timedelta(hours=1)
    if repository.asked_since(session, user.id, since) >= QUESTIONS_PER_HOUR:
        raise too_many(
            f"提问过于频繁，每小时最多 {QUESTIONS_PER_HOUR} 个，请{wait_text(3600)}后再试", 3600
        )
    question = ListingQuestion(listing_id=listing.id, asker_id=user.id, body=body)
    session.add(question)
    audit.record(
        session,
        actor,
        "listing_question.ask",
        question,
        summary=f"就“{listing.title}”提问",
        after={"listing_id": listing.id},
    )
    owner = session.get(User, listing.owner_id) if listing.owner_id else None
    if owner is not None and owner.is_active:
        notifications.send(
            session,
            owner,
            notices.QUESTION_ASKED,
            link=_link(listing),
            title=listing.title,
            question=body[:200],
        )
    return _out(question, user)


def _question(session: Session, listing: Listing, question_id: int) -> ListingQuestion:
    question = session.get(ListingQuestion, question_id)
    if question is None or question.listing_id != listing.id:
        raise NotFound("问题不存在")
    return question


def answer(
    session: Session, actor: Actor, listing_id: int, question_id: int, data: AnswerCreate
) -> QuestionOut:
    """The owner answers once; of two answers sent at once the second is refused."""
    listing = _listing(session, listing_id)
    authorize(actor.user, Action.LISTING_EDIT, listing)
    question = _question(session, listing, question_id)
    lock_row(question)
    if question.status != PENDING:
        raise Conflict(f"该问题{STATUS_LABELS[question.status]}，不能再回答")
    question.status = ANSWERED
    question.answer = data.answer
    question.is_private = data.private
    question.answered_by_id = actor.user_id
    question.answered_at = utcnow()
    audit.record(
        session,
        actor,
        "listing_question.answer",
        question,
        summary=f"回答“{listing.title}”的提问" + ("（仅提问人可见）" if data.private else ""),
        after={"private": data.private},
    )
    asker = session.get(User, question.asker_id) if question.asker_id else None
    if asker is not None and asker.is_active:
        notifications.send(
            session,
            asker,
            notices.QUESTION_ANSWERED,
            link=_link(listing),
            title=listing.title,
            answer=data.answer[:200],
        )
    return _out(question, actor.user)


def hide(
    session: Session, actor: Actor, listing_id: int, question_id: int, note: str
) -> QuestionOut:
    """Staff moderation: the question disappears from the listing page and the asker's view."""
    listing = _listing(session, listing_id)
    authorize(actor.user, Action.LISTING_REVIEW, listing)
    question = _question(session, listing, question_id)
    lock_row(question)
    if question.status == HIDDEN:
        raise Conflict("该问题已屏蔽")
    before = question.status
    question.status = HIDDEN
    question.moderation_note = note
    audit.record(
        session,
        actor,
        "listing_question.hide",
        question,
        summary=f"屏蔽“{listing.title}”的提问",
        before={"status": before},
        after={"status": HIDDEN, "note": note},
    )
    return _out(question, actor.user)


def block_for_page(session: Session, listing: Listing, user: User | None) -> dict[str, object]:
    """What the Q&A block of a listing page shows ``user``."""
    if listing.status != ListingStatus.PUBLISHED:
        return {"show": False}
    page = list_questions(session, user, listing.id, Pagination(page=1, size=20))
    return {
        "show": True,
        "items": page.items,
        "total": page.total,
        "owner": can(user, Action.LISTING_EDIT, listing),
        "moderator": can(user, Action.LISTING_REVIEW, listing),
        "can_ask": user is not None and not can(user, Action.LISTING_EDIT, listing),
        "labels": STATUS_LABELS,
    }
