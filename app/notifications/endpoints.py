from __future__ import annotations

from fastapi import APIRouter

from app.core.deps import CurrentUser, SessionDep
from app.core.pagination import Paged, PaginationDep
from app.core.schemas import Page
from app.notifications import service
from app.notifications.schemas import MarkedAll, NotificationOut, PreferenceIn, PreferenceOut

router = APIRouter(tags=["消息通知"])


@router.get("/notifications", response_model=Page[NotificationOut])
def list_notifications(
    session: SessionDep, user: CurrentUser, pagination: PaginationDep, unread: bool = False
) -> object:
    """我的消息通知，最新在前；``unread=true`` 只列未读。"""
    return service.page(session, user, pagination, unread_only=unread)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def mark_read(notification_id: int, session: SessionDep, user: CurrentUser) -> object:
    """把一条通知标为已读。"""
    return service.mark_read(session, user, notification_id)


@router.post("/notifications/read-all", response_model=MarkedAll)
def mark_all_read(session: SessionDep, user: CurrentUser) -> object:
    """把全部通知标为已读。"""
    return MarkedAll(marked=service.mark_all_read(session, user))


@router.get("/notifications/preferences", response_model=Page[PreferenceOut])
def get_preferences(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    """每种通知的接收方式：消息中心、即时邮件、每日汇总邮件。"""
    return Paged.of(service.preferences(session, user), pagination)


@router.put("/notifications/preferences", response_model=list[PreferenceOut])
def put_preferences(body: list[PreferenceIn], session: SessionDep, user: CurrentUser) -> object:
    """修改接收方式；未列出的通知类型保持不变。"""
    choices = [service.Preference(p.kind, "", p.in_app, p.mail, p.digest) for p in body]
    return service.set_preferences(session, user, choices)
