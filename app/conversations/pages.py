"""HTML pages of 互动交流: the inbox, a thread, and the Q&A forms of a listing page."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from app.conversations import moderation, questions, service
from app.conversations.schemas import (
    AnswerCreate,
    ConversationOpen,
    MessageCreate,
    Moderation,
    QuestionCreate,
    ReportCreate,
    ReportResolve,
)
from app.core.audit import Actor
from app.core.deps import WRITES, ActorDep, CurrentUser, SessionDep, SignedInActor
from app.core.errors import AppError
from app.core.pages import (
    FormValues,
    SubmittedForm,
    act_and_redirect,
    page_router,
    redirect,
    safe_next,
    uploaded_file,
)
from app.core.pagination import PaginationDep
from app.core.templating import flash, render
from app.core.validation import validated

router = page_router()


@router.get("/messages")
def inbox(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    reported: bool = False,
) -> Response:
    """The organisation's conversations; staff see the reported ones."""
    actor = Actor(user=user)
    staff_view = reported or (user.is_staff and user.active_org_id is None)
    page = service.inbox(session, actor, pagination, reported=staff_view)
    return render(
        request,
        "conversations/inbox.html",
        {
            "page": page,
            "reported": staff_view,
            "base_url": "/messages?reported=true" if staff_view else "/messages",
            "labels": service.SUBJECT_LABELS,
        },
    )


@router.post("/messages")
def open_conversation(
    request: Request, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    back = safe_next(values.get("back"), "/messages")

    def refused_back(exc: AppError) -> str:
        running = exc.extra.get("conversation_id")  # the conversation the first click opened
        return f"/messages/{running}" if running else back

    return act_and_redirect(
        request,
        session,
        lambda: service.open_conversation(session, actor, validated(ConversationOpen, values)),
        back=service.link,
        done="消息已发送，对方会收到通知",
        refused_back=refused_back,
    )


# Opening the thread marks it read: the session takes SQLite's write lock up front.
@router.get("/messages/{conversation_id}", dependencies=[WRITES])
def thread(
    request: Request,
    conversation_id: int,
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
) -> Response:
    actor = Actor(user=user)
    conversation = service.load(session, actor, conversation_id)
    participant = service.is_participant(user, conversation)
    page = service.messages(session, actor, conversation, pagination)
    if participant and pagination.page == 1:
        service.mark_read(session, actor, conversation)
    return render(
        request,
        "conversations/thread.html",
        {
            "conversation": conversation,
            "info": service.detail(session, actor, conversation),
            "page": page,
            "messages": list(reversed(page.items)),
            "participant": participant,
            "own_org_id": user.active_org_id,
            "staff_view": not participant,
            "documents": service.attachment_list(session, conversation),
            "labels": service.SUBJECT_LABELS,
            "base_url": f"/messages/{conversation.id}",
        },
    )


@router.post("/messages/{conversation_id}")
def reply(
    request: Request, conversation_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    conversation = service.load(session, actor, conversation_id)
    return act_and_redirect(
        request,
        session,
        lambda: service.post_message(
            session, actor, conversation, **validated(MessageCreate, values).model_dump()
        ),
        back=service.link(conversation),
        done="消息已发送",
    )


@router.post("/messages/{conversation_id}/attachments")
def upload(
    request: Request,
    conversation_id: int,
    session: SessionDep,
    actor: ActorDep,
    form: SubmittedForm,
) -> Response:
    conversation = service.load(session, actor, conversation_id)
    upload = uploaded_file(form)
    if upload is None:
        flash(request, "请选择要上传的文件", "error")
        return redirect(service.link(conversation))
    name, data = upload
    return act_and_redirect(
        request,
        session,
        lambda: service.add_attachment(session, actor, conversation, name, data),
        back=service.link(conversation),
        done=f"附件“{name}”已发送",
    )


@router.get("/messages/{conversation_id}/attachments/{attachment_id}")
def download(
    conversation_id: int, attachment_id: int, session: SessionDep, actor: ActorDep
) -> Response:
    conversation = service.load(session, actor, conversation_id)
    row, body = service.attachment(session, conversation, attachment_id)
    return Response(
        body,
        media_type=row.content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}"},
    )


@router.post("/messages/{conversation_id}/report")
def report(
    request: Request, conversation_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    conversation = service.load(session, actor, conversation_id)
    return act_and_redirect(
        request,
        session,
        lambda: moderation.report(
            session, actor, conversation, validated(ReportCreate, values).reason
        ),
        back=service.link(conversation),
        done="已举报，平台管理员会尽快处理",
    )


@router.post("/messages/{conversation_id}/resolve")
def resolve(
    request: Request, conversation_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    conversation = service.load(session, actor, conversation_id)
    return act_and_redirect(
        request,
        session,
        lambda: moderation.resolve_reports(
            session, actor, conversation, validated(ReportResolve, values).resolution
        ),
        back="/messages?reported=true",
        refused_back=service.link(conversation),
        done="举报已处理",
    )


@router.post("/messages/{conversation_id}/block")
def block(
    request: Request, conversation_id: int, session: SessionDep, actor: ActorDep, values: FormValues
) -> Response:
    conversation = service.load(session, actor, conversation_id)
    other = conversation.other_org_id(actor.user.active_org_id if actor.user else None)
    if values.get("undo"):
        return act_and_redirect(
            request,
            session,
            lambda: moderation.unblock(session, actor, other),
            back=service.link(conversation),
            done="已解除屏蔽",
        )
    return act_and_redirect(
        request,
        session,
        lambda: moderation.block(session, actor, other),
        back=service.link(conversation),
        done="已屏蔽对方机构，对方将无法再向贵机构发送消息",
    )


# --- questions on a listing page ------------------------------------------------------------


def _listing_back(values: dict[str, str]) -> str:
    return safe_next(values.get("back"), "/") + "#questions"


@router.post("/listing-questions/{listing_id}")
def ask(
    request: Request, listing_id: int, session: SessionDep, actor: SignedInActor, values: FormValues
) -> Response:
    return act_and_redirect(
        request,
        session,
        lambda: questions.ask(session, actor, listing_id, validated(QuestionCreate, values).body),
        back=_listing_back(values),
        done="问题已提交，发布方回答后会通知您",
    )


@router.post("/listing-questions/{listing_id}/{question_id}/answer")
def answer(
    request: Request,
    listing_id: int,
    question_id: int,
    session: SessionDep,
    actor: SignedInActor,
    values: FormValues,
) -> Response:
    values = {**values, "private": values.get("private") == "on"}
    return act_and_redirect(
        request,
        session,
        lambda: questions.answer(
            session, actor, listing_id, question_id, validated(AnswerCreate, values)
        ),
        back=_listing_back(values),
        done="已回答",
    )


@router.post("/listing-questions/{listing_id}/{question_id}/hide")
def hide(
    request: Request,
    listing_id: int,
    question_id: int,
    session: SessionDep,
    actor: ActorDep,
    values: FormValues,
) -> Response:
    return act_and_redirect(
        request,
        session,
        lambda: questions.hide(
            session, actor, listing_id, question_id, validated(Moderation, values).note
        ),
        back=_listing_back(values),
        done="该提问已屏蔽",
    )
