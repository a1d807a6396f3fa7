"""JSON routes for /api/v1/conversations and /api/v1/listings/{id}/questions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Response, UploadFile, status

from app.conversations import moderation, questions, service
from app.conversations.schemas import (
    AnswerCreate,
    AttachmentOut,
    BlockCreate,
    BlockOut,
    ConversationOpen,
    ConversationOut,
    MessageCreate,
    MessageOut,
    Moderation,
    QuestionCreate,
    QuestionOut,
    ReadMark,
    ReportCreate,
    ReportResolve,
)
from app.core.deps import ActorDep, OptionalUser, SessionDep
from app.core.openapi import file_download
from app.core.pagination import PaginationDep
from app.core.schemas import Page

router = APIRouter()
conversations = APIRouter(prefix="/conversations", tags=["互动交流"])
listing_questions = APIRouter(prefix="/listings/{listing_id}/questions", tags=["互动交流"])


@conversations.post(
    "", response_model=ConversationOut, status_code=status.HTTP_201_CREATED, summary="发起会话"
)
def open_conversation(data: ConversationOpen, session: SessionDep, actor: ActorDep) -> object:
    """与信息、活动、洽谈的对方机构或直接与某机构会话；同一对象同一对机构只有一个会话（重复为 409）。"""
    conversation = service.open_conversation(session, actor, data)
    return service.detail(session, actor, service.load(session, actor, conversation.id))


@conversations.get("", response_model=Page[ConversationOut], summary="我的会话")
def inbox(
    session: SessionDep, actor: ActorDep, pagination: PaginationDep, reported: bool = False
) -> object:
    """本机构的会话（含未读数）；管理员以 reported=true 查看被举报的会话。"""
    return service.inbox(session, actor, pagination, reported=reported)


@conversations.get("/blocks", response_model=Page[BlockOut], summary="本机构屏蔽的机构")
def blocks(session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
    return moderation.blocks(session, actor, pagination)


@conversations.post(
    "/blocks", response_model=BlockOut, status_code=status.HTTP_201_CREATED, summary="屏蔽机构"
)
def block(data: BlockCreate, session: SessionDep, actor: ActorDep) -> object:
    row = moderation.block(session, actor, data.org_id)
    return BlockOut(org_id=row.blocked_org_id, org_name="", created_at=row.created_at)


@conversations.delete(
    "/blocks/{org_id}", status_code=status.HTTP_204_NO_CONTENT, summary="解除屏蔽"
)
def unblock(org_id: int, session: SessionDep, actor: ActorDep) -> Response:
    moderation.unblock(session, actor, org_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@conversations.get("/{conversation_id}", response_model=ConversationOut, summary="会话详情")
def detail(conversation_id: int, session: SessionDep, actor: ActorDep) -> object:
    return service.detail(session, actor, service.load(session, actor, conversation_id))


@conversations.get(
    "/{conversation_id}/messages", response_model=Page[MessageOut], summary="会话消息"
)
def messages(
    conversation_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    """最新的在前；引用的信息只含其公开部分。"""
    conversation = service.load(session, actor, conversation_id)
    return service.messages(session, actor, conversation, pagination)


@conversations.post(
    "/{conversation_id}/messages",
    response_model=MessageOut,
    status_code=status.HTTP_201_CREATED,
    summary="发送消息",
)
def post_message(
    conversation_id: int, data: MessageCreate, session: SessionDep, actor: ActorDep
) -> object:
    conversation = service.load(session, actor, conversation_id)
    message = service.post_message(session, actor, conversation, data.body, data.quote_listing_id)
    return service.message_out(session, message)


@conversations.post("/{conversation_id}/read", summary="标记已读")
def mark_read(
    conversation_id: int, session: SessionDep, actor: ActorDep, data: ReadMark | None = None
) -> dict[str, int]:
    """已读位置只前进不后退；返回当前已读到的消息编号。"""
    conversation = service.load(session, actor, conversation_id)
    mark = service.mark_read(session, actor, conversation, data.up_to if data else None)
    return {"last_read_message_id": mark}


@conversations.post(
    "/{conversation_id}/reports", status_code=status.HTTP_201_CREATED, summary="举报会话"
)
def report(
    conversation_id: int, data: ReportCreate, session: SessionDep, actor: ActorDep
) -> dict[str, int]:
    """举报后，平台管理员和相关区县管理员可查看该会话，直至举报处理完毕。"""
    conversation = service.load(session, actor, conversation_id)
    row = moderation.report(session, actor, conversation, data.reason)
    return {"report_id": row.id}


@conversations.post(
    "/{conversation_id}/reports/resolve", response_model=ConversationOut, summary="处理举报"
)
def resolve(
    conversation_id: int, data: ReportResolve, session: SessionDep, actor: ActorDep
) -> object:
    conversation = service.load(session, actor, conversation_id)
    moderation.resolve_reports(session, actor, conversation, data.resolution)
    return service.detail(session, actor, conversation)


@conversations.get(
    "/{conversation_id}/attachments", response_model=Page[AttachmentOut], summary="会话附件"
)
def attachment_list(
    conversation_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    """会话双方上传的文件，新的在前。"""
    conversation = service.load(session, actor, conversation_id)
    return service.attachment_page(session, conversation, pagination)


@conversations.post(
    "/{conversation_id}/attachments",
    response_model=AttachmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="上传会话附件",
)
def upload(
    conversation_id: int,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File(description="PDF、Word、Excel、PPT 或图片")],
) -> object:
    conversation = service.load(session, actor, conversation_id)
    return service.add_attachment(
        session, actor, conversation, file.filename or "file", file.file.read()
    )


@conversations.get(
    "/{conversation_id}/attachments/{attachment_id}",
    summary="下载会话附件",
    response_class=Response,
    responses=file_download("附件文件"),
)
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


# --- questions ------------------------------------------------------------------------------


@listing_questions.get("", response_model=Page[QuestionOut], summary="信息的问答")
def question_list(
    listing_id: int, session: SessionDep, user: OptionalUser, pagination: PaginationDep
) -> object:
    """公开的已回答问题和本人的问题；发布方和审核管理员看到全部。"""
    return questions.list_questions(session, user, listing_id, pagination)


@listing_questions.post(
    "", response_model=QuestionOut, status_code=status.HTTP_201_CREATED, summary="提问"
)
def ask(listing_id: int, data: QuestionCreate, session: SessionDep, actor: ActorDep) -> object:
    return questions.ask(session, actor, listing_id, data.body)


@listing_questions.post("/{question_id}/answer", response_model=QuestionOut, summary="回答提问")
def answer(
    listing_id: int, question_id: int, data: AnswerCreate, session: SessionDep, actor: ActorDep
) -> object:
    """private=true 时仅提问人可见。每个问题只回答一次（重复为 409）。"""
    return questions.answer(session, actor, listing_id, question_id, data)


@listing_questions.post("/{question_id}/hide", response_model=QuestionOut, summary="屏蔽提问")
def hide(
    listing_id: int,
    question_id: int,
    session: SessionDep,
    actor: ActorDep,
    data: Moderation | None = None,
) -> object:
    return questions.hide(session, actor, listing_id, question_id, data.note if data else "")


router.include_router(conversations)
router.include_router(listing_questions)
