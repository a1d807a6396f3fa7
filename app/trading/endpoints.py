"""JSON routes for /api/v1/deals and /api/v1/contracts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from app.core.deps import ActorDep, SessionDep
from app.core.errors import NotFound
from app.core.openapi import file_download
from app.core.pagination import PaginationDep
from app.core.schemas import Page
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from app.models.enums import ContractStatus, DealStatus
from app.trading import deals, service, statistics, verification
from app.trading.schemas import (
    BrokerSet,
    ContractCreate,
    ContractOut,
    DealDetail,
    DealOpen,
    DealOut,
    MessageCreate,
    MessageOut,
    OfferCreate,
    OfferOut,
    PaymentCreate,
    PaymentOut,
    RegistrationSubmit,
    ReturnReason,
    TerminateReason,
)

router = APIRouter()
contracts = APIRouter(prefix="/contracts", tags=["技术合同"])
deal_routes = APIRouter(prefix="/deals", tags=["技术交易洽谈"])


# --- contracts ------------------------------------------------------------------------------


@contracts.get("/codes", summary="统计代码表")
def code_tables() -> dict[str, Any]:
    """合同类别、技术领域、知识产权类型、法人类型与行政区划的代码和中文名称。"""
    return statistics.code_tables()


@contracts.post(
    "", response_model=ContractOut, status_code=status.HTTP_201_CREATED, summary="录入技术合同"
)
def create(data: ContractCreate, session: SessionDep, actor: ActorDep) -> object:
    contract = service.create_contract(session, actor, data)
    return service.get_contract(session, actor, contract.id)


@contracts.get("", response_model=Page[ContractOut], summary="我能看到的技术合同")
def browse(
    session: SessionDep,
    actor: ActorDep,
    pagination: PaginationDep,
    status: ContractStatus | None = None,
) -> object:
    return service.list_contracts(session, actor, pagination, status=status)


@contracts.get("/registrations", response_model=Page[ContractOut], summary="待认定登记的合同")
def registration_queue(session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
    return service.registration_queue(session, actor, pagination)


@contracts.get(
    "/export",
    summary="导出已登记技术合同统计（xlsx 或 csv）",
    response_class=Response,
    responses=file_download("统计表", XLSX_MEDIA_TYPE, "text/csv"),
)
def export(
    session: SessionDep,
    actor: ActorDep,
    format: Annotated[str, Query(pattern="^(xlsx|csv)$")] = "xlsx",
    start: date | None = None,
    end: date | None = None,
) -> Response:
    """按登记日期（含起止日）筛选；每个代码列旁附中文名称。"""
    body, media_type, filename = statistics.export(session, actor, format, start=start, end=end)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@contracts.get("/verify", summary="按登记号核验认定登记证明")
def verify(
    session: SessionDep, code: Annotated[str, Query(min_length=1, max_length=40)]
) -> dict[str, Any]:
    """公开核验：只返回登记号、登记日期、合同类别、技术领域、当事人名称和技术交易额区间。"""
    found = verification.verify(session, code)
    if found is None:
        raise NotFound("没有找到该登记号的技术合同认定登记")
    return asdict(found)


@contracts.get("/{contract_id}", response_model=ContractOut, summary="技术合同详情")
def detail(contract_id: int, session: SessionDep, actor: ActorDep) -> object:
    return service.get_contract(session, actor, contract_id)


@contracts.post("/{contract_id}/submit", response_model=ContractOut, summary="提交认定登记")
def submit(
    contract_id: int, session: SessionDep, actor: ActorDep, data: RegistrationSubmit | None = None
) -> object:
    contract = service.get_contract(session, actor, contract_id)
    service.submit_registration(session, actor, contract, data.org_id if data else None)
    return contract


@contracts.post("/{contract_id}/approve", response_model=ContractOut, summary="认定登记（通过）")
def approve(contract_id: int, session: SessionDep, actor: ActorDep) -> object:
    contract = service.get_contract(session, actor, contract_id)
    return service.approve_registration(session, actor, contract)


@contracts.post("/{contract_id}/return", response_model=ContractOut, summary="退回认定登记")
def return_(contract_id: int, data: ReturnReason, session: SessionDep, actor: ActorDep) -> object:
    contract = service.get_contract(session, actor, contract_id)
    return service.return_registration(session, actor, contract, data.reason)


@contracts.post(
    "/{contract_id}/payments",
    response_model=PaymentOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记到账款项",
)
def pay(contract_id: int, data: PaymentCreate, session: SessionDep, actor: ActorDep) -> object:
    return service.record_payment(session, actor, contract_id, data)


@contracts.get(
    "/{contract_id}/certificate.pdf",
    summary="技术合同登记证明（PDF）",
    response_class=Response,
    responses={
        **file_download("登记证明", "application/pdf"),
        409: {"description": "合同尚未完成认定登记，暂无登记证明"},
    },
)
def certificate_pdf(contract_id: int, session: SessionDep, actor: ActorDep) -> Response:
    contract = service.get_contract(session, actor, contract_id)
    body = statistics.certificate_pdf(session, contract)
    filename = f"技术合同登记证明-{contract.registration_no}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}"},
    )


# --- deals ----------------------------------------------------------------------------------


def _detail(session: SessionDep, deal: Any) -> dict[str, Any]:
    out = DealDetail.model_validate(deal).model_dump()
    contract = service.contract_of_deal(session, deal.id)
    out["contract_id"] = contract.id if contract else None
    return out


@deal_routes.post(
    "", response_model=DealDetail, status_code=status.HTTP_201_CREATED, summary="就一条信息发起洽谈"
)
def open_deal(data: DealOpen, session: SessionDep, actor: ActorDep) -> object:
    deal = deals.open_deal(session, actor, data)
    session.flush()
    return _detail(session, deals.load(session, actor, deal.id))


@deal_routes.get("", response_model=Page[DealOut], summary="我参与的洽谈")
def my_deals(
    session: SessionDep,
    actor: ActorDep,
    pagination: PaginationDep,
    status: DealStatus | None = None,
) -> object:
    return deals.list_deals(session, actor, pagination, status=status)


@deal_routes.get("/{deal_id}", response_model=DealDetail, summary="洽谈详情：留言与报价")
def deal_detail(deal_id: int, session: SessionDep, actor: ActorDep) -> object:
    return _detail(session, deals.load(session, actor, deal_id, participate=False))


@deal_routes.post(
    "/{deal_id}/messages",
    response_model=MessageOut,
    status_code=status.HTTP_201_CREATED,
    summary="留言",
)
def message(deal_id: int, data: MessageCreate, session: SessionDep, actor: ActorDep) -> object:
    return deals.post_message(session, actor, deals.load(session, actor, deal_id), data.body)


@deal_routes.post(
    "/{deal_id}/offers",
    response_model=OfferOut,
    status_code=status.HTTP_201_CREATED,
    summary="报价或还价",
)
def offer(deal_id: int, data: OfferCreate, session: SessionDep, actor: ActorDep) -> object:
    return deals.make_offer(session, actor, deals.load(session, actor, deal_id), data)


@deal_routes.post(
    "/{deal_id}/offers/{offer_id}/accept", response_model=OfferOut, summary="接受报价"
)
def accept(deal_id: int, offer_id: int, session: SessionDep, actor: ActorDep) -> object:
    return deals.accept_offer(session, actor, deals.load(session, actor, deal_id), offer_id)


@deal_routes.post(
    "/{deal_id}/offers/{offer_id}/reject", response_model=OfferOut, summary="拒绝报价"
)
def reject(deal_id: int, offer_id: int, session: SessionDep, actor: ActorDep) -> object:
    return deals.reject_offer(session, actor, deals.load(session, actor, deal_id), offer_id)


@deal_routes.put("/{deal_id}/broker", response_model=DealOut, summary="指定技术经纪人")
def broker(deal_id: int, data: BrokerSet, session: SessionDep, actor: ActorDep) -> object:
    return deals.set_broker(session, actor, deals.load(session, actor, deal_id), data.broker_id)


@deal_routes.post("/{deal_id}/terminate", response_model=DealOut, summary="终止洽谈")
def terminate(deal_id: int, data: TerminateReason, session: SessionDep, actor: ActorDep) -> object:
    return deals.terminate(session, actor, deals.load(session, actor, deal_id), data.reason)


@deal_routes.post("/{deal_id}/complete", response_model=DealOut, summary="确认履约完成")
def complete(deal_id: int, session: SessionDep, actor: ActorDep) -> object:
    return deals.complete(session, actor, deals.load(session, actor, deal_id))


@deal_routes.post(
    "/{deal_id}/attachments", status_code=status.HTTP_201_CREATED, summary="上传洽谈附件"
)
def upload(
    deal_id: int, session: SessionDep, actor: ActorDep, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    row = deals.add_attachment(
        session,
        actor,
        deals.load(session, actor, deal_id),
        file.filename or "file",
        file.file.read(),
    )
    return {"id": row.id, "filename": row.filename, "size": row.size}


@deal_routes.get(
    "/{deal_id}/attachments/{attachment_id}",
    summary="下载洽谈附件",
    response_class=Response,
    responses=file_download("附件文件"),
)
def download(deal_id: int, attachment_id: int, session: SessionDep, actor: ActorDep) -> Response:
    deal = deals.load(session, actor, deal_id, participate=False)
    row, body = deals.attachment(session, deal, attachment_id)
    return Response(
        body,
        media_type=row.content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}"},
    )


router.include_router(deal_routes)
router.include_router(contracts)
