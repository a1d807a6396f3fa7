"""JSON routes of matching: /api/v1/{demands,achievements,challenges}/{id}/matches and /api/v1/matching."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.core.deps import ActorDep, CurrentUser, OptionalUser, SessionDep
from app.core.pagination import PaginationDep
from app.core.schemas import Page
from app.core.versioning import expected_version, set_etag
from app.listings import service as listing_service
from app.matching import experts, pipeline, service, subscriptions
from app.matching.schemas import (
    ExpertEntryOut,
    ExpertProfileIn,
    ExpertProfileOut,
    FeedbackIn,
    FeedbackOut,
    MatchList,
    MatchOut,
    PipelineMove,
    PipelineOut,
    PipelinePage,
    ProposalIn,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPage,
)
from app.models import MatchPipeline
from app.models.enums import ListingKind, PipelineStage
from app.resources.schemas import ResourceReview

router = APIRouter()


def _pipeline_out(entry: MatchPipeline) -> PipelineOut:
    return PipelineOut.model_validate(
        {
            **{c: getattr(entry, c) for c in PipelineOut.model_fields if hasattr(entry, c)},
            "stage_label": entry.stage.label,
        }
    )


def _matches_router(kind: ListingKind) -> APIRouter:
    r = APIRouter(prefix=f"/{kind.value}s", tags=["供需匹配"])

    @r.get("/{listing_id}/matches", response_model=MatchList, summary=f"{kind.label}的匹配结果")
    def matches(
        listing_id: int,
        session: SessionDep,
        viewer: OptionalUser,
        limit: Annotated[int, Query(description="每类返回条数，1–100（各类分别排序）")] = 20,
        type: Annotated[
            list[str] | None,
            Query(description="只看这些类型：achievement、demand、challenge、expert、organization"),
        ] = None,
        field: Annotated[str | None, Query(description="技术领域代码（含其子领域）")] = None,
        region: Annotated[str | None, Query(description="区域代码")] = None,
        min_score: Annotated[float | None, Query(description="最低匹配分，0–100")] = None,
    ) -> MatchList:
        """Ranked counterparts with score and Chinese reasons; experts only for signed-in users."""
        types = [t for value in type or [] for t in value.split(",") if t]
        listing, found = service.matches_for(
            session,
            listing_id,
            kind,
            viewer,
            limit=limit,
            types=types,
            field=field,
            region=region,
            min_score=min_score,
        )
        return MatchList(
            listing_id=listing.id,
            listing_type=listing.kind.value,
            items=[MatchOut.model_validate(m) for m in found],
        )

    @r.post(
        "/{listing_id}/matches/feedback",
        response_model=FeedbackOut,
        status_code=status.HTTP_201_CREATED,
        summary="评价一条匹配结果（相关/不相关）",
    )
    def feedback(
        listing_id: int, body: FeedbackIn, session: SessionDep, actor: ActorDep, user: CurrentUser
    ) -> FeedbackOut:
        """Mark one match relevant or not (with a reason); later rankings of this listing follow."""
        listing = listing_service.get(session, listing_id, user, kind)
        row = service.record_feedback(
            session,
            actor,
            listing,
            target_kind=body.target_type,
            target_id=body.target_id,
            relevant=body.relevant,
            reason_code=body.reason_code,
            note=body.note,
        )
        return FeedbackOut.model_validate(row)

    return r


for _kind in (ListingKind.DEMAND, ListingKind.ACHIEVEMENT, ListingKind.CHALLENGE):
    router.include_router(_matches_router(_kind))

matching = APIRouter(prefix="/matching", tags=["供需匹配"])


@matching.get("/pipeline", response_model=PipelinePage, summary="我的对接")
def my_pipeline(
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
    pagination: PaginationDep,
    stage: PipelineStage | None = None,
) -> PipelinePage:
    """Pairs the caller works on: as the introducing broker, or as either party."""
    paged = pipeline.mine(session, actor, pagination, stage)
    return PipelinePage(
        total=paged.total,
        items=[_pipeline_out(e) for e in paged.items],
        page=paged.page,
        size=paged.size,
    )


@matching.post(
    "/pipeline", response_model=PipelineOut, status_code=status.HTTP_201_CREATED, summary="推荐对接"
)
def propose(
    body: ProposalIn, session: SessionDep, actor: ActorDep, _user: CurrentUser
) -> PipelineOut:
    """A broker proposes an achievement to a demand or challenge; both parties are notified."""
    entry = pipeline.propose(
        session,
        actor,
        demand_listing_id=body.demand_listing_id,
        supply_listing_id=body.supply_listing_id,
        note=body.note,
    )
    return _pipeline_out(entry)


@matching.get("/pipeline/{pipeline_id}", response_model=PipelineOut, summary="对接详情")
def pipeline_detail(
    pipeline_id: int, session: SessionDep, actor: ActorDep, _user: CurrentUser
) -> PipelineOut:
    return _pipeline_out(pipeline.get(session, actor, pipeline_id))


@matching.post("/pipeline/{pipeline_id}/confirm", response_model=PipelineOut, summary="确认对接")
def confirm(
    pipeline_id: int, session: SessionDep, actor: ActorDep, _user: CurrentUser
) -> PipelineOut:
    """A party confirms on its side; 双方确认 once both did."""
    entry = pipeline.get(session, actor, pipeline_id)
    return _pipeline_out(pipeline.confirm(session, actor, entry))


@matching.post(
    "/pipeline/{pipeline_id}/{action}", response_model=PipelineOut, summary="推进或关闭对接"
)
def move(
    pipeline_id: int,
    action: str,
    session: SessionDep,
    actor: ActorDep,
    _user: CurrentUser,
    body: PipelineMove | None = None,
) -> PipelineOut:
    """``negotiate`` (进入洽谈), ``sign`` (签约) or ``close`` (关闭, with a reason)."""
    entry = pipeline.get(session, actor, pipeline_id)
    return _pipeline_out(
        pipeline.move(session, actor, entry, action, reason=body.reason if body else "")
    )


@matching.get("/subscriptions", response_model=SubscriptionPage, summary="我的订阅")
def my_subscriptions(
    session: SessionDep, actor: ActorDep, _user: CurrentUser, pagination: PaginationDep
) -> SubscriptionPage:
    paged = subscriptions.mine(session, actor, pagination)
    return SubscriptionPage(
        total=paged.total,
        items=[SubscriptionOut.model_validate(s) for s in paged.items],
        page=paged.page,
        size=paged.size,
    )


@matching.post(
    "/subscriptions",
    response_model=SubscriptionOut,
    status_code=status.HTTP_201_CREATED,
    summary="新建订阅",
)
def subscribe(
    body: SubscriptionIn, session: SessionDep, actor: ActorDep, _user: CurrentUser
) -> SubscriptionOut:
    """Save a query with filters, or a listing's profile; new matching listings arrive in a daily digest."""
    sub = subscriptions.create(session, actor, **body.model_dump())
    return SubscriptionOut.model_validate(sub)


@matching.delete(
    "/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, summary="删除订阅"
)
def unsubscribe(
    subscription_id: int, session: SessionDep, actor: ActorDep, _user: CurrentUser
) -> None:
    subscriptions.delete(session, actor, subscriptions.get(session, actor, subscription_id))


@matching.get("/expert-profile", response_model=ExpertProfileOut | None, summary="我的专家档案")
def my_profile(
    session: SessionDep, user: CurrentUser, response: Response
) -> ExpertProfileOut | None:
    """The profile (its ETag header is the version), or null before the first save."""
    profile = experts.of_user(session, user.id)
    if profile is None:
        return None
    set_etag(response, profile.version)
    return ExpertProfileOut.model_validate(profile)


@matching.put(
    "/expert-profile",
    response_model=ExpertProfileOut,
    summary="保存我的专家档案",
    responses={409: {"description": "所依据的版本已被修改"}},
)
def save_profile(
    body: ExpertProfileIn,
    session: SessionDep,
    actor: ActorDep,
    user: CurrentUser,
    response: Response,
    if_match: Annotated[str | None, Header(description='所依据的版本，如 "3"')] = None,
) -> ExpertProfileOut:
    """Experts (and brokers, for their service fields) keep the profile they are matched by.

    With If-Match (or ``version``) a save from an outdated version is refused with 409."""
    profile = experts.save(
        session,
        actor,
        user,
        **body.model_dump(exclude={"version"}),
        expected_version=expected_version(if_match, body.version),
    )
    set_etag(response, profile.version)
    return ExpertProfileOut.model_validate(profile)


expert_directory = APIRouter(prefix="/experts", tags=["资源整合"])


@expert_directory.get("", response_model=Page[ExpertEntryOut], summary="专家库")
def experts_listed(
    session: SessionDep,
    pagination: PaginationDep,
    field: Annotated[str | None, Query(max_length=40, description="技术领域代码")] = None,
    region: Annotated[str | None, Query(max_length=6, description="区县代码")] = None,
    q: Annotated[str | None, Query(max_length=100, description="姓名、单位或简介中的词")] = None,
) -> object:
    """经审核入库的专家，可按技术领域、区县和关键词筛选。"""
    return experts.directory(session, pagination, field_code=field, region_code=region, q=q)


@expert_directory.get("/review", response_model=Page[ExpertEntryOut], summary="待审核的专家档案")
def experts_to_review(session: SessionDep, user: CurrentUser, pagination: PaginationDep) -> object:
    return experts.review_queue(session, user, pagination)


@expert_directory.post(
    "/{user_id}/{action}",
    response_model=ExpertEntryOut,
    summary="审核专家档案（approve 通过入库，reject 退回）",
    responses={409: {"description": "档案已被审核"}},
)
def review_expert(
    user_id: int, action: str, data: ResourceReview, session: SessionDep, actor: ActorDep
) -> object:
    return experts.review(session, actor, user_id, action, data.note)


router.include_router(matching)
router.include_router(expert_directory)
