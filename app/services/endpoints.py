"""JSON routes for /api/v1/services: the catalogue, applications (办件), 好差评, 创新券."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Response, UploadFile

from app.core import attachments
from app.core.deps import ActorDep, CurrentUser, SessionDep
from app.core.openapi import file_download
from app.core.pagination import Paged, PaginationDep
from app.core.permissions import Action, authorize
from app.core.schemas import Page
from app.models.enums import CaseStatus
from app.services import kinds, linked, orders, rd, service, voucher
from app.services.schemas import (
    BudgetOut,
    BudgetSet,
    CaseCreate,
    CaseMove,
    CaseOut,
    ItemOut,
    LinkedOut,
    MaterialOut,
    OrderCreate,
    OrderOut,
    PanelSet,
    PoolOut,
    PoolSet,
    ProgressOut,
    RatingAnswer,
    RatingCreate,
    RatingOut,
    RdExpenseOut,
    RdExpenseSet,
    RdRateOut,
    RdRateRevision,
    RecommendationsOut,
    ReviewOut,
    ScoreCreate,
    VerdictOut,
)

router = APIRouter(prefix="/services", tags=["企业办事"])


@router.get("/items", response_model=Page[ItemOut], summary="事项目录（含办事指南）")
def items(session: SessionDep, pagination: PaginationDep) -> object:
    return Paged.of(service.items(session), pagination)


@router.get("/items/{code}", response_model=ItemOut, summary="一个事项的办事指南")
def item(code: str, session: SessionDep) -> object:
    return service.item_by_code(session, code)


@router.post("/cases", response_model=CaseOut, status_code=201, summary="起草申请")
def create(data: CaseCreate, session: SessionDep, actor: ActorDep) -> object:
    """以本机构名义起草；创新券须为高新技术企业或科技型中小企业，额度不超过单次上限。"""
    return CaseOut.of(service.create(session, actor, data))


@router.get("/cases", response_model=Page[CaseOut], summary="办件列表")
def cases(
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
    status: CaseStatus | None = None,
    mine: bool = False,
) -> object:
    """工作人员看到全部办件；企业看到本机构的办件。"""
    paged = service.list_cases(session, user, pagination, status=status, mine=mine)
    return Page[CaseOut](
        items=[CaseOut.of(c) for c in paged.items],
        total=paged.total,
        page=paged.page,
        size=paged.size,
    )


@router.get("/cases/{case_id}", response_model=ProgressOut, summary="办件进度")
def case(case_id: int, session: SessionDep, user: CurrentUser) -> object:
    """每一步的办理部门、法定时限（截止日）和实际办理时间。"""
    found = service.progress(session, user, case_id)
    return ProgressOut(
        case=CaseOut.of(found["case"]),
        steps=found["steps"],
        materials=found["materials"],
        review=found["review"],
    )


@router.post(
    "/cases/{case_id}/materials",
    response_model=MaterialOut,
    status_code=201,
    summary="上传申请材料",
)
def upload(
    case_id: int,
    session: SessionDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    material_no: Annotated[int | None, Form(description="办事指南中第几项材料（从 0 起）")] = None,
) -> object:
    """草稿或补正材料时上传；按文件内容检查类型（PDF、DOCX、XLSX、PPTX、PNG、JPG）和大小。
    指明 material_no 时，文件须为指南对该项材料规定的格式，并替换该项已上传的文件。"""
    return service.add_material(
        session, actor, case_id, file.filename or "材料", file.file.read(), material_no
    )


@router.get(
    "/cases/{case_id}/materials/{attachment_id}",
    summary="下载申请材料",
    response_class=Response,
    responses=file_download("材料文件"),
)
def download(case_id: int, attachment_id: int, session: SessionDep, user: CurrentUser) -> Response:
    row = service.material(session, user, case_id, attachment_id)
    return Response(
        attachments.read(row),
        media_type=row.content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}"},
    )


@router.post("/cases/{case_id}/submit", response_model=CaseOut, summary="提交申请")
def submit(case_id: int, session: SessionDep, actor: ActorDep) -> object:
    """首次提交时取得流水号；补正材料后再次提交沿用原流水号。"""
    return CaseOut.of(service.submit(session, actor, case_id))


@router.post("/cases/{case_id}/rating", response_model=RatingOut, status_code=201, summary="好差评")
def rate(case_id: int, data: RatingCreate, session: SessionDep, actor: ActorDep) -> object:
    """办结后评价一次；1、2 分为差评，须由工作人员在 15 日内答复。"""
    return service.rate(session, actor, case_id, data)


@router.get("/follow-ups", response_model=Page[RatingOut], summary="待答复的差评")
def follow_ups(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    return service.follow_ups(session, user, pagination)


@router.post("/follow-ups/{rating_id}/answer", response_model=RatingOut, summary="答复差评")
def answer(rating_id: int, data: RatingAnswer, session: SessionDep, actor: ActorDep) -> object:
    return service.answer(session, actor, rating_id, data)


@router.post(
    "/cases/{case_id}/order", response_model=OrderOut, status_code=201, summary="使用创新券"
)
def order(case_id: int, data: OrderCreate, session: SessionDep, actor: ActorDep) -> object:
    """向服务机构下单；通用：企业先付款后兑付给企业；通兑：服务机构兑付券额部分。"""
    return orders.order(session, actor, case_id, data)


@router.post("/cases/{case_id}/pay", response_model=OrderOut, summary="兑付创新券")
def pay(case_id: int, session: SessionDep, actor: ActorDep) -> object:
    return orders.pay_order(session, actor, case_id)


@router.put("/voucher-pool", response_model=PoolOut, summary="设置年度创新券资金池")
def set_pool(data: PoolSet, session: SessionDep, actor: ActorDep) -> object:
    authorize(actor.user, Action.SERVICE_HANDLE)
    return voucher.set_pool(session, actor, data.year, data.total)


@router.get("/recommendations", response_model=RecommendationsOut, summary="惠企政策精准推送")
def recommendations(session: SessionDep, user: CurrentUser) -> object:
    """本机构现在可以申请哪些事项、依据（满足或不满足的条件）和预计金额，按机构登记的资质、
    类型、资源名录、研发费用和已办事项测算。"""
    found = service.recommendations(session, user)
    return RecommendationsOut(
        org_id=found["org"].id,
        org_name=found["org"].name,
        year=found["year"],
        items=[VerdictOut.of(v) for v in found["items"]],
    )


@router.put("/rd-expenses", response_model=RdExpenseOut, summary="填报研发费用")
def record_rd_expense(data: RdExpenseSet, session: SessionDep, actor: ActorDep) -> object:
    """本机构某年度“允许扣除的研发费用合计”，研发投入补助和精准推送据此测算。"""
    return service.record_rd_expense(session, actor, data)


@router.get("/rd-rates", response_model=Page[RdRateOut], summary="研发投入补助比例（各版本）")
def rd_rates(session: SessionDep, pagination: PaginationDep) -> object:
    return rd.rates_page(session, pagination)


@router.post(
    "/rd-rates", response_model=RdRateOut, status_code=201, summary="发布研发投入补助比例新版本"
)
def revise_rd_rates(data: RdRateRevision, session: SessionDep, actor: ActorDep) -> object:
    """自生效日期起按新比例测算；此前的申请保留原版本。"""
    return rd.revise_rates(session, actor, **data.model_dump())


@router.put("/budgets", response_model=BudgetOut, summary="设置政策条款年度资金")
def set_budget(data: BudgetSet, session: SessionDep, actor: ActorDep) -> object:
    """研发投入补助（第21条）和专家评审类奖励（第9、10、11、22条）核定时占用的年度资金。"""
    authorize(actor.user, Action.SERVICE_HANDLE)
    line = kinds.set_budget(session, actor, data.item_no, data.year, data.total)
    return BudgetOut(
        item_no=line.item_no,
        year=line.year,
        title=line.title,
        total=line.total,
        committed=line.committed,
        paid=line.paid,
        remaining=line.remaining,
    )


@router.get("/linked", response_model=Page[LinkedOut], summary="技术合同登记与奖补申领的进度")
def linked_cases(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    """本机构的技术合同认定登记和成果转化奖补，按各自流程的步骤显示。"""
    rows = linked.for_user(session, user)
    start = pagination.offset
    return Page[LinkedOut](
        items=rows[start : start + pagination.size],
        total=len(rows),
        page=pagination.page,
        size=pagination.size,
    )


@router.post("/cases/{case_id}/panel", response_model=CaseOut, summary="组建评审专家组")
def form_panel(case_id: int, data: PanelSet, session: SessionDep, actor: ActorDep) -> object:
    """受理后、办结前；与申请单位有关联的专家自动回避并写明理由。"""
    return CaseOut.of(service.form_panel(session, actor, case_id, data))


@router.post("/cases/{case_id}/scores", response_model=ReviewOut, summary="专家评分")
def score(case_id: int, data: ScoreCreate, session: SessionDep, actor: ActorDep) -> object:
    """按事项的评价指标依次评分（0—100），办结前可修改。"""
    return service.score(session, actor, case_id, data)


@router.post("/cases/{case_id}/disburse", response_model=CaseOut, summary="拨付资金")
def disburse(case_id: int, session: SessionDep, actor: ActorDep) -> object:
    """研发投入补助和专家评审类奖励准予后拨付，只拨付一次。"""
    return CaseOut.of(service.disburse(session, actor, case_id))


# Last: the specific routes of a case above take precedence over this one.
@router.post("/cases/{case_id}/{action}", response_model=CaseOut, summary="办理")
def act(case_id: int, action: str, data: CaseMove, session: SessionDep, actor: ActorDep) -> object:
    """action：review 形式审查、accept 受理、not_accept 不予受理、correct 补正材料、process 办理、
    grant 办结（准予）、refuse 办结（不予）。不予受理、补正、不予须说明理由；创新券准予时占用年度资金池。"""
    return CaseOut.of(service.act(session, actor, case_id, action, data))
