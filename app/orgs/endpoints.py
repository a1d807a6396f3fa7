from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.core.deps import ActorDep, OptionalUser, SessionDep
from app.core.pagination import Paged, PaginationDep
from app.core.permissions import Action, can
from app.core.regions import REGIONS
from app.core.schemas import Page
from app.core.versioning import expected_version, set_etag
from app.models.enums import OrgStatus, OrgTagKind, OrgType
from app.orgs import service
from app.orgs.schemas import (
    CodeName,
    MemberOut,
    OrgDecision,
    OrgDetail,
    OrgPublic,
    OrgTagIn,
    OrgTagOut,
    OrgUpdate,
)

router = APIRouter(tags=["机构"])


class OrgMemberDecision(StrEnum):
    approve = "approve"
    reject = "reject"


@router.get("/orgs", response_model=Page[OrgPublic])
def list_orgs(
    session: SessionDep,
    user: OptionalUser,
    pagination: PaginationDep,
    q: Annotated[str, Query(max_length=100, description="名称或简介关键词")] = "",
    org_type: OrgType | None = None,
    region_code: Annotated[str | None, Query(description="区县或开发区代码")] = None,
    status: Annotated[OrgStatus | None, Query(description="状态（管理员可用）")] = None,
) -> object:
    """机构名录：公众可见已认证机构，管理员可按状态筛选。"""
    return service.list_orgs(
        session, user, pagination, q=q, org_type=org_type, region_code=region_code, status=status
    )


@router.get("/orgs/{org_id}", response_model=OrgDetail | OrgPublic)
def get_org(org_id: int, response: Response, session: SessionDep, user: OptionalUser) -> object:
    """机构详情；本机构成员和管理员可见联系方式与资质（响应头 ETag 为资料版本）。"""
    org = service.get(session, org_id, user)
    if can(user, Action.ORG_VIEW_PRIVATE, org):
        set_etag(response, org.version)
        return OrgDetail.model_validate(org)
    return OrgPublic.model_validate(org)


@router.patch(
    "/orgs/{org_id}",
    response_model=OrgDetail,
    responses={409: {"description": "所依据的版本已被他人修改"}},
)
def update_org(
    org_id: int,
    data: OrgUpdate,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    if_match: Annotated[str | None, Header(description='所依据的版本，如 "3"')] = None,
) -> object:
    """修改机构资料（机构管理员或平台管理员）；被退回的机构修改后重新进入审核。

    带 If-Match（或请求体 version）时，若该版本已被他人修改则返回 409，不覆盖。"""
    org = service.update(
        session,
        actor,
        service.get(session, org_id, actor.user),
        data,
        expected_version=expected_version(if_match, data.version),
    )
    set_etag(response, org.version)
    return org


@router.post("/orgs/{org_id}/verify", response_model=OrgDetail)
def verify_org(org_id: int, session: SessionDep, actor: ActorDep) -> object:
    """通过机构认证（平台管理员或所在区县管理员）。"""
    return service.verify(session, actor, service.get(session, org_id, actor.user))


@router.post("/orgs/{org_id}/reject", response_model=OrgDetail)
def reject_org(org_id: int, data: OrgDecision, session: SessionDep, actor: ActorDep) -> object:
    """退回机构认证申请并说明原因。"""
    return service.reject(session, actor, service.get(session, org_id, actor.user), data.reason)


@router.post("/orgs/{org_id}/suspend", response_model=OrgDetail)
def suspend_org(org_id: int, data: OrgDecision, session: SessionDep, actor: ActorDep) -> object:
    """停用已认证机构并说明原因。"""
    return service.suspend(session, actor, service.get(session, org_id, actor.user), data.reason)


@router.post("/orgs/{org_id}/restore", response_model=OrgDetail)
def restore_org(org_id: int, session: SessionDep, actor: ActorDep) -> object:
    """恢复被停用的机构。"""
    return service.restore(session, actor, service.get(session, org_id, actor.user))


@router.put("/orgs/{org_id}/tags", response_model=OrgTagOut)
def set_tag(org_id: int, data: OrgTagIn, session: SessionDep, actor: ActorDep) -> object:
    """添加或更新资质标签（如高新技术企业）及证书信息。"""
    return service.set_tag(session, actor, service.get(session, org_id, actor.user), data)


@router.delete("/orgs/{org_id}/tags/{tag_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_tag(org_id: int, tag_id: int, session: SessionDep, actor: ActorDep) -> None:
    """移除资质标签。"""
    service.remove_tag(session, actor, service.get(session, org_id, actor.user), tag_id)


@router.get("/orgs/{org_id}/members", response_model=Page[MemberOut])
def members(org_id: int, session: SessionDep, actor: ActorDep, pagination: PaginationDep) -> object:
    """机构成员及加入申请（本机构成员和管理员）。"""
    org = service.get(session, org_id, actor.user)
    return Paged.of(service.members(session, actor, org), pagination)


@router.post("/orgs/{org_id}/members/{user_id}/{decision}", response_model=MemberOut)
def decide_member(
    org_id: int, user_id: int, decision: OrgMemberDecision, session: SessionDep, actor: ActorDep
) -> object:
    """批准（approve）或拒绝（reject）加入机构的申请（机构管理员）。"""
    org = service.get(session, org_id, actor.user)
    return service.decide_member(session, actor, org, user_id, decision.value)


@router.get("/taxonomy/regions", response_model=Page[CodeName])
def regions(pagination: PaginationDep) -> object:
    """本市区县、县级市和开发区。"""
    return Paged.of([{"code": code, "name": name} for code, name in REGIONS.items()], pagination)


@router.get("/taxonomy/org-types", response_model=Page[CodeName])
def org_types(pagination: PaginationDep) -> object:
    """机构类型。"""
    return Paged.of(
        [{"code": code, "name": label} for code, label in OrgType.choices()], pagination
    )


@router.get("/taxonomy/org-tags", response_model=Page[CodeName])
def org_tags(pagination: PaginationDep) -> object:
    """机构资质标签。"""
    return Paged.of(
        [{"code": code, "name": label} for code, label in OrgTagKind.choices()], pagination
    )
