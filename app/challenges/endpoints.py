"""JSON routes of 揭榜挂帅: /api/v1/challenges/{id}/applications, /panel, /scores, /award ..."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Header, Response, UploadFile, status

from app.challenges import service
from app.challenges.schemas import (
    ApplicationFields,
    ApplicationOut,
    AttachmentOut,
    AwardIn,
    MilestoneOut,
    MilestoneReport,
    MilestoneReturn,
    PanelForm,
    PanelOut,
    RankingRow,
    ScoreIn,
    ScoreOut,
)
from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.openapi import file_download
from app.core.pagination import Paged, PaginationDep
from app.core.schemas import Page
from app.core.versioning import expected_version, set_etag
from app.models import ChallengeMilestone

router = APIRouter(prefix="/challenges/{challenge_id}", tags=["揭榜挂帅评审"])
mine_router = APIRouter(tags=["揭榜挂帅评审"])


@router.get("/applications", response_model=Page[ApplicationOut], summary="揭榜申请")
def list_applications(
    challenge_id: int, session: SessionDep, user: OptionalUser, pagination: PaginationDep
) -> object:
    """管理员看到全部申请；评审专家在评分开始后看到已提交的申请；揭榜单位只看到自己的。"""
    challenge = service.get_challenge(session, challenge_id)
    rows = service.applications(session, user, challenge)
    return Paged.of(rows, pagination, lambda a: service.view(session, challenge, a))


@router.post(
    "/applications",
    response_model=ApplicationOut,
    status_code=status.HTTP_201_CREATED,
    summary="揭榜：新建申请草稿",
)
def create_application(
    challenge_id: int, data: ApplicationFields, session: SessionDep, actor: ActorDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    application = service.create_application(session, actor, challenge, data)
    return service.view(session, challenge, application)


@router.get("/applications/{application_id}", response_model=ApplicationOut, summary="揭榜申请详情")
def application_detail(
    challenge_id: int,
    application_id: int,
    response: Response,
    session: SessionDep,
    user: OptionalUser,
) -> object:
    """评审结果确定后，feedback 给出各项指标得分、排名和理由（响应头 ETag 为申请版本）。"""
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, user, challenge, application_id)
    set_etag(response, application.version)
    return service.view(session, challenge, application)


@router.patch(
    "/applications/{application_id}",
    response_model=ApplicationOut,
    summary="修改揭榜申请",
    responses={409: {"description": "所依据的版本已被他人修改"}},
)
def update_application(
    challenge_id: int,
    application_id: int,
    data: ApplicationFields,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    if_match: Annotated[str | None, Header(description='所依据的版本，如 "3"')] = None,
) -> object:
    """带 If-Match（或请求体 version）时，若该版本已被他人修改则返回 409，不覆盖。"""
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, actor.user, challenge, application_id)
    service.update_application(
        session,
        actor,
        challenge,
        application,
        data,
        expected_version=expected_version(if_match, data.version),
    )
    set_etag(response, application.version)
    return service.view(session, challenge, application)


@router.post(
    "/applications/{application_id}/submit", response_model=ApplicationOut, summary="提交揭榜申请"
)
def submit_application(
    challenge_id: int, application_id: int, session: SessionDep, actor: ActorDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, actor.user, challenge, application_id)
    service.submit_application(session, actor, challenge, application)
    return service.view(session, challenge, application)


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationOut,
    summary="撤回揭榜申请",
)
def withdraw_application(
    challenge_id: int, application_id: int, session: SessionDep, actor: ActorDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, actor.user, challenge, application_id)
    service.withdraw_application(session, actor, challenge, application)
    return service.view(session, challenge, application)


@router.post(
    "/applications/{application_id}/attachments",
    response_model=AttachmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="上传申请附件",
)
def upload(
    challenge_id: int,
    application_id: int,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File(description="PDF/Office 文档或图片（≤20MB）")],
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, actor.user, challenge, application_id)
    row = service.add_attachment(
        session,
        actor,
        challenge,
        application,
        filename=file.filename or "file",
        data=file.file.read(),
    )
    return AttachmentOut(
        id=row.id,
        filename=row.filename,
        size=row.size,
        content_type=row.content_type,
        url=f"/api/v1/challenges/{challenge_id}/applications/{application_id}/attachments/{row.id}",
    )


@router.get(
    "/applications/{application_id}/attachments/{attachment_id}",
    summary="下载申请附件",
    response_class=Response,
    responses=file_download("附件文件"),
)
def download(
    challenge_id: int,
    application_id: int,
    attachment_id: int,
    session: SessionDep,
    user: OptionalUser,
) -> Response:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, user, challenge, application_id)
    row, data = service.attachment(session, application, attachment_id)
    return Response(
        data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
            "Cache-Control": "private, max-age=3600",
        },
    )


@router.delete(
    "/applications/{application_id}/attachments/{attachment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除申请附件",
)
def delete_attachment(
    challenge_id: int,
    application_id: int,
    attachment_id: int,
    session: SessionDep,
    actor: ActorDep,
) -> None:
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, actor.user, challenge, application_id)
    service.remove_attachment(session, actor, challenge, application, attachment_id)


@router.get("/panel", response_model=PanelOut, summary="评审专家组（含回避的专家及原因）")
def panel(challenge_id: int, session: SessionDep, actor: ActorDep) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return service.panel_view(service.get_panel(session, actor, challenge))


@router.put("/panel", response_model=PanelOut, summary="组建或调整评审专家组")
def form_panel(challenge_id: int, data: PanelForm, session: SessionDep, actor: ActorDep) -> object:
    """与发榜单位、揭榜单位同属一个机构，或所在机构近三年与揭榜单位签订过技术合同的专家自动回避，并写明原因。"""
    challenge = service.get_challenge(session, challenge_id)
    return service.panel_view(service.form_panel(session, actor, challenge, data.expert_ids))


@router.post("/panel/open", response_model=PanelOut, summary="开始专家评分（揭榜截止后）")
def open_scoring(challenge_id: int, session: SessionDep, actor: ActorDep) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return service.panel_view(service.open_scoring(session, actor, challenge))


@router.post("/panel/close", response_model=PanelOut, summary="结束评审并排名")
def close_scoring(challenge_id: int, session: SessionDep, actor: ActorDep) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return service.panel_view(service.close_scoring(session, actor, challenge))


@router.put("/applications/{application_id}/score", response_model=ScoreOut, summary="专家评分")
def score(
    challenge_id: int,
    application_id: int,
    data: ScoreIn,
    session: SessionDep,
    actor: ActorDep,
) -> object:
    """按榜单评价指标的顺序，每项 0-100 分并附评语；评审结束前可修改。"""
    challenge = service.get_challenge(session, challenge_id)
    application = service.get_application(session, actor.user, challenge, application_id)
    return service.score(session, actor, challenge, application, data)


@router.get(
    "/scores", response_model=Page[ScoreOut], summary="评分（专家在评审结束前只看到自己的）"
)
def scores(
    challenge_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return Paged.of(service.all_scores(session, actor, challenge), pagination)


@router.get("/ranking", response_model=Page[RankingRow], summary="排名（评审结束后）")
def ranking(
    challenge_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return Paged.of(service.ranking_rows(session, actor, challenge), pagination)


@router.post("/award", response_model=PanelOut, summary="确定揭榜方（或本榜空缺）")
def award(challenge_id: int, data: AwardIn, session: SessionDep, actor: ActorDep) -> object:
    """每个申请单位都会收到各项得分、排名和理由；揭榜方的奖励按阶段验收分期拨付。"""
    challenge = service.get_challenge(session, challenge_id)
    return service.panel_view(service.award(session, actor, challenge, data))


def _milestone_out(row: ChallengeMilestone) -> MilestoneOut:
    return MilestoneOut(
        seq=row.seq,
        name=row.name,
        percent=row.percent,
        amount=row.amount,
        status=row.status.value,
        status_label=row.status.label,
        report=row.report,
        return_reason=row.return_reason,
        submitted_at=row.submitted_at,
        accepted_at=row.accepted_at,
        released_at=row.released_at,
    )


@router.get("/milestones", response_model=Page[MilestoneOut], summary="实施阶段与分期奖励")
def milestones(
    challenge_id: int, session: SessionDep, user: CurrentUser, pagination: PaginationDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    rows = service.visible_milestones(session, user, challenge)
    return Paged.of(rows, pagination, _milestone_out)


@router.post("/milestones/{seq}/submit", response_model=MilestoneOut, summary="揭榜方提交阶段验收")
def submit_milestone(
    challenge_id: int, seq: int, data: MilestoneReport, session: SessionDep, actor: ActorDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return _milestone_out(service.submit_milestone(session, actor, challenge, seq, data.report))


@router.post(
    "/milestones/{seq}/accept", response_model=MilestoneOut, summary="验收通过并拨付该期奖励"
)
def accept_milestone(challenge_id: int, seq: int, session: SessionDep, actor: ActorDep) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return _milestone_out(service.accept_milestone(session, actor, challenge, seq))


@router.post("/milestones/{seq}/return", response_model=MilestoneOut, summary="阶段验收退回")
def return_milestone(
    challenge_id: int, seq: int, data: MilestoneReturn, session: SessionDep, actor: ActorDep
) -> object:
    challenge = service.get_challenge(session, challenge_id)
    return _milestone_out(service.return_milestone(session, actor, challenge, seq, data.reason))


@mine_router.get(
    "/challenge-applications/mine", response_model=Page[ApplicationOut], summary="本机构的揭榜申请"
)
def my_applications(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    apps = service.mine(session, user)
    challenges = service.challenges_by_id(session, [a.challenge_id for a in apps])
    return Paged.of(
        apps, pagination, lambda a: service.view(session, challenges[a.challenge_id], a)
    )
