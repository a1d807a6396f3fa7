"""JSON routes of 项目管理: /api/v1/projects/calls…, /api/v1/projects/applications…"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Header, Query, Response, UploadFile, status

from app.core import attachments
from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.openapi import file_download
from app.core.pagination import PaginationDep
from app.core.schemas import Page
from app.core.versioning import expected_version, set_etag
from app.models.enums import ObjectionStatus, ProjectStatus
from app.projects import service
from app.projects.schemas import (
    ApplicationFields,
    ApplicationOut,
    ApproveIn,
    AttachmentOut,
    CallCreate,
    CallOut,
    CallRevise,
    EstablishIn,
    MemberOut,
    NoteIn,
    ObjectionAnswerIn,
    ObjectionIn,
    ObjectionOut,
    PanelForm,
    ProgressOut,
    ReportIn,
    ScoreIn,
    ScoreOut,
)

router = APIRouter(prefix="/projects", tags=["项目管理"])

NoteAction = Literal[
    "submit",
    "unit_approve",
    "unit_return",
    "formal_pass",
    "formal_fail",
    "decline",
    "accept_midterm",
    "return_midterm",
    "accept",
    "rectify",
    "fail",
    "close",
]


@router.get("/calls", response_model=Page[CallOut], summary="申报指南")
def list_calls(
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    programme: Annotated[str | None, Query(max_length=40, description="资金项目代码")] = None,
) -> object:
    """已发布的申报指南（截止日期晚的在前）；工作人员还能看到草稿。"""
    paged = service.calls.page(session, user, pagination, programme=programme)
    return service.mapped(paged, lambda c: service.call_view(session, c))


@router.post(
    "/calls", response_model=CallOut, status_code=status.HTTP_201_CREATED, summary="起草申报指南"
)
def create_call(data: CallCreate, session: SessionDep, actor: ActorDep) -> object:
    """同时为本指南建立经费预算科目（资金项目 project_call）。单个项目资助不得超过政策上限。"""
    return service.call_view(session, service.calls.create(session, actor, data))


@router.get("/calls/{call_id}", response_model=CallOut, summary="申报指南详情")
def call_detail(call_id: int, session: SessionDep, user: OptionalUser) -> object:
    return service.call_view(session, service.get_call(session, user, call_id))


@router.patch(
    "/calls/{call_id}",
    response_model=CallOut,
    summary="更正已发布的申报指南",
    responses={409: {"description": "指南不在申报中，或已有申报书提交时修改评价指标"}},
)
def revise_call(call_id: int, data: CallRevise, session: SessionDep, actor: ActorDep) -> object:
    """申报中可更正日期、文字和资金总额（只能调增）；评价指标仅在尚无申报书提交时可改。
    每项更正记入审计（更正前后），并通知该指南下有草稿的申报人。"""
    call = service.get_call(session, actor.user, call_id)
    return service.call_view(session, service.calls.revise(session, actor, call, data))


@router.post("/calls/{call_id}/publish", response_model=CallOut, summary="发布申报指南")
def publish_call(call_id: int, session: SessionDep, actor: ActorDep) -> object:
    call = service.get_call(session, actor.user, call_id)
    return service.call_view(session, service.calls.publish(session, actor, call))


@router.get(
    "/calls/{call_id}/applications", response_model=Page[ApplicationOut], summary="指南下的申报"
)
def call_applications(
    call_id: int,
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    status_: Annotated[ProjectStatus | None, Query(alias="status", description="状态")] = None,
) -> object:
    """工作人员看到已报送的全部申报；申报单位只看到自己的。"""
    call = service.get_call(session, user, call_id)
    paged = service.of_call(session, user, call, pagination, status=status_)
    return service.mapped(paged, lambda a: service.application_view(session, user, a))


@router.post(
    "/calls/{call_id}/applications",
    response_model=ApplicationOut,
    status_code=status.HTTP_201_CREATED,
    summary="新建申报书草稿",
)
def create_application(
    call_id: int, data: ApplicationFields, session: SessionDep, actor: ActorDep
) -> object:
    """每个单位每个指南限报一项；申报书字段（answers）按指南的表单逐项校验。"""
    call = service.get_call(session, actor.user, call_id)
    application = service.applications.create(session, actor, call, data)
    return service.application_view(session, actor.user, application)


@router.get("/calls/{call_id}/panel", response_model=Page[MemberOut], summary="评审专家组")
def panel(call_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
    """含因利益冲突回避的专家及逐条原因（工作人员）。"""
    call = service.get_call(session, actor.user, call_id)
    return service.page_of(service.members_view(session, actor, call), pagination)


@router.put("/calls/{call_id}/panel", response_model=Page[MemberOut], summary="组建评审专家组")
def form_panel(
    call_id: int, data: PanelForm, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    """与申报单位同属一个机构，或所在机构近三年与申报单位签订过技术合同的专家自动回避。"""
    call = service.get_call(session, actor.user, call_id)
    service.review.form_panel(session, actor, call, data.expert_ids)
    return service.page_of(service.members_view(session, actor, call), pagination)


@router.post("/calls/{call_id}/scoring/open", response_model=CallOut, summary="开始专家评审")
def open_scoring(call_id: int, session: SessionDep, actor: ActorDep) -> object:
    """申报截止且形式审查完成后；回避后参评专家不少于 KC_PROJECT_MIN_PANEL 人。"""
    call = service.get_call(session, actor.user, call_id)
    return service.call_view(session, service.review.open_scoring(session, actor, call))


@router.post("/calls/{call_id}/scoring/close", response_model=CallOut, summary="结束评审并排名")
def close_scoring(call_id: int, session: SessionDep, actor: ActorDep) -> object:
    call = service.get_call(session, actor.user, call_id)
    return service.call_view(session, service.review.close_scoring(session, actor, call))


@router.get("/calls/{call_id}/scores", response_model=Page[ScoreOut], summary="评分")
def scores(call_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
    """匿名评审：评审结束前专家只能看到自己的评分；工作人员看到全部。"""
    call = service.get_call(session, actor.user, call_id)
    return service.page_of(service.review.visible_scores(session, actor, call), pagination)


@router.put(
    "/calls/{call_id}/applications/{application_id}/score",
    response_model=ScoreOut,
    summary="专家评分",
)
def score(
    call_id: int, application_id: int, data: ScoreIn, session: SessionDep, actor: ActorDep
) -> object:
    """按指南的评价指标顺序逐项 0–100 分并写评语；评审结束前可修改。"""
    call = service.get_call(session, actor.user, call_id)
    application = service.applications.get(session, actor.user, application_id)
    return service.review.score(session, actor, call, application, data)


@router.get("/calls/{call_id}/ranking", response_model=Page[ApplicationOut], summary="评审排名")
def ranking(
    call_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    call = service.get_call(session, actor.user, call_id)
    rows = service.review.ranked(session, actor, call)
    paged = service.page_of(rows, pagination)
    return service.mapped(paged, lambda a: service.application_view(session, actor.user, a))


@router.post("/calls/{call_id}/publicize", response_model=Page[ApplicationOut], summary="立项公示")
def publicize(
    call_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep
) -> object:
    """本指南全部拟立项项目进入公示（7 天）。"""
    call = service.get_call(session, actor.user, call_id)
    paged = service.page_of(service.decisions.publicize(session, actor, call), pagination)
    return service.mapped(paged, lambda a: service.application_view(session, actor.user, a))


@router.post(
    "/applications/{application_id}/objections",
    response_model=ObjectionOut,
    status_code=status.HTTP_201_CREATED,
    summary="对公示项目提出异议",
    responses={409: {"description": "该项目不在立项公示期内"}},
)
def file_objection(
    application_id: int, data: ObjectionIn, session: SessionDep, actor: ActorDep
) -> object:
    """立项公示期内，登录用户均可对公示项目提出异议（写明事实和理由）。"""
    row = service.objections.file(session, actor, application_id, data.reasons)
    return service.objections.view(row)


@router.get("/objections", response_model=Page[ObjectionOut], summary="立项公示异议")
def objections(
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    status: Annotated[
        ObjectionStatus | None, Query(description="open 待答复（默认）/ upheld / revoked")
    ] = ObjectionStatus.OPEN,
) -> object:
    """科技局工作人员：异议列表，先提出的在前。"""
    paged = service.objections.page(session, user, pagination, status=status)
    return service.mapped(paged, service.objections.view)


@router.post("/objections/{objection_id}/answer", response_model=ObjectionOut, summary="答复异议")
def answer_objection(
    objection_id: int, data: ObjectionAnswerIn, session: SessionDep, actor: ActorDep
) -> object:
    """维持立项或撤销立项（须写明理由）；撤销立项释放该项目占用的经费。"""
    row = service.objections.answer(session, actor, objection_id, data.decision, data.reasons)
    return service.objections.view(row)


@router.get("/applications/mine", response_model=Page[ApplicationOut], summary="本单位的申报")
def mine(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    paged = service.mine(session, user, pagination)
    return service.mapped(paged, lambda a: service.application_view(session, user, a))


@router.get("/applications/unit-review", response_model=Page[ApplicationOut], summary="待单位审核")
def unit_queue(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    """本单位人员提交、等待机构管理员审核报送的申报。"""
    paged = service.unit_queue(session, user, pagination)
    return service.mapped(paged, lambda a: service.application_view(session, user, a))


@router.get("/applications/{application_id}", response_model=ApplicationOut, summary="申报详情")
def application_detail(
    application_id: int, response: Response, session: SessionDep, user: OptionalUser
) -> object:
    """响应头 ETag 为申报书版本；actions 为当前用户此刻可执行的操作。"""
    application = service.applications.get(session, user, application_id)
    set_etag(response, application.version)
    return service.application_view(session, user, application)


@router.patch(
    "/applications/{application_id}",
    response_model=ApplicationOut,
    summary="修改申报书",
    responses={409: {"description": "所依据的版本已被他人修改，或已提交"}},
)
def update_application(
    application_id: int,
    data: ApplicationFields,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    if_match: Annotated[str | None, Header(description='所依据的版本，如 "3"')] = None,
) -> object:
    application = service.applications.get(session, actor.user, application_id)
    service.applications.update(
        session, actor, application, data, expected_version=expected_version(if_match, data.version)
    )
    set_etag(response, application.version)
    return service.application_view(session, actor.user, application)


@router.get(
    "/applications/{application_id}/progress", response_model=ProgressOut, summary="项目进度"
)
def progress(application_id: int, session: SessionDep, user: CurrentUser) -> object:
    """各阶段（已完成 / 当前 / 未到）、每一步的时间、办理人和意见，以及任务书的里程碑。"""
    application = service.applications.get(session, user, application_id)
    return service.progress(session, application)


@router.post(
    "/applications/{application_id}/approve", response_model=ApplicationOut, summary="批准立项"
)
def approve(application_id: int, data: ApproveIn, session: SessionDep, actor: ActorDep) -> object:
    """核定金额在本指南经费中占用（分立项、中期、验收三期）；余额不足时 409。"""
    application = service.applications.get(session, actor.user, application_id)
    service.decisions.approve(session, actor, application, data.amount, data.note)
    return service.application_view(session, actor.user, application)


@router.post(
    "/applications/{application_id}/establish", response_model=ApplicationOut, summary="下达任务书"
)
def establish(
    application_id: int, data: EstablishIn, session: SessionDep, actor: ActorDep
) -> object:
    """公示期满后：写明目标与考核指标、中期检查和验收日期，拨付第一期经费。"""
    application = service.applications.get(session, actor.user, application_id)
    service.decisions.establish(session, actor, application, data)
    return service.application_view(session, actor.user, application)


@router.post(
    "/applications/{application_id}/midterm-report",
    response_model=ApplicationOut,
    summary="提交中期报告",
)
def midterm_report(
    application_id: int, data: ReportIn, session: SessionDep, actor: ActorDep
) -> object:
    application = service.applications.get(session, actor.user, application_id)
    service.decisions.report_midterm(session, actor, application, data.report)
    return service.application_view(session, actor.user, application)


@router.post(
    "/applications/{application_id}/acceptance-request",
    response_model=ApplicationOut,
    summary="申请验收",
)
def acceptance_request(
    application_id: int, data: ReportIn, session: SessionDep, actor: ActorDep
) -> object:
    application = service.applications.get(session, actor.user, application_id)
    service.decisions.request_acceptance(session, actor, application, data.report)
    return service.application_view(session, actor.user, application)


@router.post(
    "/applications/{application_id}/attachments",
    response_model=AttachmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="上传申报附件",
)
def upload(
    application_id: int,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File(description="PDF、Office 文档或图片")],
) -> object:
    application = service.applications.get(session, actor.user, application_id)
    row = service.applications.add_attachment(
        session, actor, application, filename=file.filename or "附件", data=file.file.read()
    )
    return {
        "id": row.id,
        "filename": row.filename,
        "size": row.size,
        "content_type": row.content_type,
        "url": f"/api/v1/projects/applications/{application.id}/attachments/{row.id}",
    }


@router.get(
    "/applications/{application_id}/attachments/{attachment_id}",
    summary="下载申报附件",
    response_class=Response,
    responses=file_download("附件文件"),
)
def download(
    application_id: int, attachment_id: int, session: SessionDep, user: OptionalUser
) -> Response:
    application = service.applications.get(session, user, application_id)
    row, data = service.applications.file(session, application, attachment_id)
    return attachments.download(row, data)


@router.post(
    "/applications/{application_id}/{action}",
    response_model=ApplicationOut,
    summary="推进申报或项目",
)
def act(
    application_id: int, action: NoteAction, data: NoteIn, session: SessionDep, actor: ActorDep
) -> object:
    """submit 提交单位审核；unit_approve / unit_return 单位审核；formal_pass / formal_fail
    形式审查；decline 不予立项；accept_midterm / return_midterm 中期检查；accept / rectify /
    fail 验收结论；close 结项。退回、不通过、不予立项须写明理由（note）。"""
    application = service.applications.get(session, actor.user, application_id)
    service.act(session, actor, application, action, data.note)
    return service.application_view(session, actor.user, application)
