"""Every protected API route walked by every role with a real bearer token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.permissions import Action
from app.models import User
from tests.factories.events import event_payload
from tests.permissions.test_matrix import (
    ALLOWED,
    CONTRACT_ALLOWED,
    DEAL_ALLOWED,
    EVENT_ALLOWED,
    LISTING_ALLOWED,
    OWN_ALLOWED,
    PARTICIPANT_ALLOWED,
)
from tests.permissions.world import (
    EVERYONE,
    IN_VERIFIED_ORG,
    LISTING_KINDS,
    SIGNED_IN,
    Route,
    World,
    assert_walk,
)

EVENT_MANAGERS = EVENT_ALLOWED[Action.EVENT_MANAGE]
CHALLENGE_MANAGERS = LISTING_ALLOWED[Action.CHALLENGE_MANAGE]
SCORE = {"items": [{"score": 80, "comment": "方案可行"}, {"score": 70, "comment": "中试待扩产"}]}

STAFF = ALLOWED[Action.ADMIN_ACCESS]
REVIEWERS = LISTING_ALLOWED[Action.LISTING_REVIEW]
#: What an allowed role may get when the record's state does not allow the step (409) or the
#: record is not complete enough for it (422).
CONFLICT = frozenset({409})
UNFINISHED = frozenset({409, 422})

# Every protected API route, walked by every role with a real bearer token.
API_ROUTES: list[Route] = [
    # One's own things: anyone signed in; the lists show only their rows (test_lists.py).
    *(
        Route("GET", path, SIGNED_IN)
        for path in (
            "/api/v1/me",
            "/api/v1/me/favourites",
            "/api/v1/me/sessions",
            "/api/v1/me/tokens",
            "/api/v1/notifications",
            "/api/v1/notifications/preferences",
            "/api/v1/matching/pipeline",
            "/api/v1/matching/subscriptions",
            "/api/v1/patents/commissions",
            "/api/v1/projects/applications/mine",
            "/api/v1/bookings/mine",
            "/api/v1/bookings/incoming",
            "/api/v1/challenge-applications/mine",
            "/api/v1/resources/mine",
            "/api/v1/deals",
            "/api/v1/contracts",
            "/api/v1/incentives/claims",
            "/api/v1/services/cases",
        )
    ),
    # 互动交流: people of a verified organisation (conversations.service.member).
    Route("GET", "/api/v1/conversations", IN_VERIFIED_ORG),
    Route("GET", "/api/v1/conversations/blocks", IN_VERIFIED_ORG),
    # An own page for every signed-in person, filled in by experts and brokers.
    Route("GET", "/api/v1/matching/expert-profile", SIGNED_IN),
    # The listings of one's organisation, whatever their state.
    *(
        Route("GET", f"/api/v1/{kind}/mine", IN_VERIFIED_ORG)
        for kind in ("achievements", "demands", "challenges")
    ),
    # Review desks
    *(
        Route("GET", f"/api/v1/{kind}/review-queue", REVIEWERS | STAFF)
        for kind in ("achievements", "demands", "challenges")
    ),
    Route("GET", "/api/v1/content/manage", ALLOWED[Action.CONTENT_WRITE] | STAFF),
    Route("GET", "/api/v1/resources/review", STAFF),
    Route("GET", "/api/v1/contracts/registrations", STAFF),
    Route("GET", "/api/v1/contracts/export", ALLOWED[Action.CONTRACT_EXPORT]),
    Route("GET", "/api/v1/experts/review", STAFF),
    # A listing's own desk: its organisation; its history also for its reviewers.
    Route(
        "GET",
        "/api/v1/achievements/{listing}/access-requests",
        LISTING_ALLOWED[Action.LISTING_EDIT],
    ),
    Route(
        "GET", "/api/v1/achievements/{listing}/contact-views", LISTING_ALLOWED[Action.LISTING_EDIT]
    ),
    Route(
        "GET",
        "/api/v1/achievements/{listing}/versions",
        LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
    ),
    Route(
        "GET",
        "/api/v1/content/{draft_content}/versions",
        ALLOWED[Action.CONTENT_WRITE],
        seen_by=set(),
    ),
    # Objects that say who sees them
    Route("GET", "/api/v1/contracts/{contract}", CONTRACT_ALLOWED[Action.CONTRACT_VIEW]),
    Route("GET", "/api/v1/deals/{deal}", DEAL_ALLOWED[Action.DEAL_VIEW], seen_by=set()),
    # A booking: the person who asked, the instrument's keepers, the staff; nobody else
    # knows it exists.
    Route(
        "GET",
        "/api/v1/bookings/{booking}",
        LISTING_ALLOWED[Action.BOOKING_DECIDE] | {"org_member"} | STAFF,
        seen_by=set(),
    ),
    # The list of participants: anyone signed in (events.service.participants).
    Route("GET", "/api/v1/events/{event}/participants", SIGNED_IN),
    # Each sees the applications they may (test_lists.py); the ranking once scoring closed.
    Route("GET", "/api/v1/challenges/{scored_challenge}/applications", EVERYONE),
    Route(
        "GET",
        "/api/v1/challenges/{scored_challenge}/ranking",
        CHALLENGE_MANAGERS,
        answers=frozenset({409}),
    ),
    Route("GET", "/api/v1/users", ALLOWED[Action.USER_MANAGE]),
    Route("GET", "/api/v1/audit", ALLOWED[Action.AUDIT_VIEW]),
    Route("GET", "/api/v1/search/vocabulary", ALLOWED[Action.SEARCH_MANAGE]),
    Route("GET", "/api/v1/orgs/{org}/members", ALLOWED[Action.ORG_VIEW_PRIVATE]),
    Route("PATCH", "/api/v1/orgs/{org}", ALLOWED[Action.ORG_UPDATE], {"intro": "更新简介"}),
    Route("POST", "/api/v1/orgs/{org}/suspend", ALLOWED[Action.ORG_VERIFY], {"reason": "核查中"}),
    # 搜索词典, accounts and organisations
    Route(
        "POST",
        "/api/v1/search/vocabulary/terms",
        ALLOWED[Action.SEARCH_MANAGE],
        {"terms": "氮化镓同质外延片"},
    ),
    Route(
        "POST",
        "/api/v1/search/vocabulary/synonyms",
        ALLOWED[Action.SEARCH_MANAGE],
        {"words": "激光雷达 LiDAR"},
    ),
    Route(
        "POST", "/api/v1/users/{colleague}/role", ALLOWED[Action.USER_MANAGE], {"role": "broker"}
    ),
    Route("POST", "/api/v1/users/{colleague}/deactivate", ALLOWED[Action.USER_MANAGE]),
    Route(
        "POST", "/api/v1/users/{colleague}/activate", ALLOWED[Action.USER_MANAGE], answers=CONFLICT
    ),
    Route("POST", "/api/v1/orgs/{org}/verify", ALLOWED[Action.ORG_VERIFY], answers=CONFLICT),
    Route("POST", "/api/v1/orgs/{org}/restore", ALLOWED[Action.ORG_VERIFY], answers=CONFLICT),
    Route(
        "POST",
        "/api/v1/orgs/{org}/reject",
        ALLOWED[Action.ORG_VERIFY],
        {"reason": "材料不全"},
        answers=CONFLICT,
    ),
    # A listing: its keeper edits, its reviewers decide; a draft does not exist for others.
    *(
        case
        for kind, published, draft in LISTING_KINDS
        for case in (
            Route(
                "PATCH",
                f"/api/v1/{kind}/{{{draft}}}",
                LISTING_ALLOWED[Action.LISTING_EDIT],
                {"title": "高功率激光熔覆修复技术"},
                seen_by=LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
                anonymous=404,
            ),
            Route(
                "POST",
                f"/api/v1/{kind}/{{{draft}}}/submit",
                LISTING_ALLOWED[Action.LISTING_EDIT],
                seen_by=LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
                anonymous=404,
                answers=UNFINISHED,
            ),
            Route(
                "POST",
                f"/api/v1/{kind}/{{{draft}}}/publish",
                REVIEWERS,
                seen_by=LISTING_ALLOWED[Action.LISTING_VIEW_UNPUBLISHED],
                anonymous=404,
                answers=CONFLICT,
            ),
            Route(
                "POST",
                f"/api/v1/{kind}/{{{published}}}/renew",
                LISTING_ALLOWED[Action.LISTING_EDIT],
                answers=CONFLICT,
            ),
            Route("PUT", f"/api/v1/{kind}/{{{published}}}/favourite", SIGNED_IN),
            Route("DELETE", f"/api/v1/{kind}/{{{published}}}/favourite", SIGNED_IN),
        )
    ),
    # 信息发布: staff write about their district, the bureau reviews.
    Route(
        "PATCH",
        "/api/v1/content/{draft_content}",
        ALLOWED[Action.CONTENT_WRITE],
        {"title": "长春市科技成果转化工作推进会召开（更新）"},
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/content/{draft_content}/submit",
        ALLOWED[Action.CONTENT_WRITE],
        seen_by=set(),
        anonymous=404,
    ),
    *(
        Route(
            "POST",
            f"/api/v1/content/{{draft_content}}/{step}",
            ALLOWED[Action.CONTENT_REVIEW],
            {"note": "请补充会议时间"},
            seen_by=ALLOWED[Action.CONTENT_WRITE],
            anonymous=404,
            answers=CONFLICT,
        )
        for step in ("approve", "return", "withdraw")
    ),
    # Resources and bookings
    Route(
        "POST",
        "/api/v1/resources/{draft_resource}/submit",
        LISTING_ALLOWED[Action.RESOURCE_EDIT],
        seen_by=LISTING_ALLOWED[Action.RESOURCE_VIEW_UNPUBLISHED],
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/resources/{draft_resource}/approve",
        LISTING_ALLOWED[Action.RESOURCE_REVIEW],
        {},
        seen_by=LISTING_ALLOWED[Action.RESOURCE_VIEW_UNPUBLISHED],
        anonymous=404,
        answers=CONFLICT,
    ),
    Route("POST", "/api/v1/resources/{resource}/withdraw", LISTING_ALLOWED[Action.RESOURCE_EDIT]),
    *(
        Route(
            "POST",
            f"/api/v1/bookings/{{booking}}/{step}",
            LISTING_ALLOWED[Action.BOOKING_DECIDE],
            {"note": "设备检修"},
            seen_by={"org_member"} | STAFF,
        )
        for step in ("approve", "reject")
    ),
    Route(
        "POST",
        "/api/v1/bookings/{booking}/cancel",
        {"org_member"} | LISTING_ALLOWED[Action.BOOKING_DECIDE],
        {"note": "计划变更"},
        seen_by=STAFF,
    ),
    Route(
        "PUT",
        "/api/v1/resources/{draft_resource}",
        LISTING_ALLOWED[Action.RESOURCE_EDIT],
        {"kind": "instrument", "name": "高通量基因测序仪", "region_code": "220173"},
        seen_by=LISTING_ALLOWED[Action.RESOURCE_VIEW_UNPUBLISHED],
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/resources/{draft_resource}/reject",
        LISTING_ALLOWED[Action.RESOURCE_REVIEW],
        {"note": "请补充收费标准"},
        seen_by=LISTING_ALLOWED[Action.RESOURCE_VIEW_UNPUBLISHED],
        anonymous=404,
        answers=CONFLICT,
    ),
    Route(
        "POST",
        "/api/v1/resources",
        IN_VERIFIED_ORG,
        {"kind": "instrument", "name": "原子力显微镜", "region_code": "220173"},
    ),
    Route(
        "POST",
        "/api/v1/content",
        ALLOWED[Action.CONTENT_WRITE] | STAFF,
        {"kind": "news", "title": "长春新区举办科技成果对接会"},
    ),
    Route("POST", "/api/v1/me/tokens", SIGNED_IN, {"name": "数据同步"}),
    # 技术合同 and 洽谈
    Route(
        "POST",
        "/api/v1/contracts/{contract}/submit",
        CONTRACT_ALLOWED[Action.CONTRACT_EDIT],
        answers=UNFINISHED,
    ),
    Route(
        "POST",
        "/api/v1/contracts/{contract}/approve",
        CONTRACT_ALLOWED[Action.CONTRACT_REGISTER],
        answers=CONFLICT,
    ),
    Route(
        "POST",
        "/api/v1/contracts/{contract}/return",
        CONTRACT_ALLOWED[Action.CONTRACT_REGISTER],
        {"reason": "合同金额与发票不符"},
        answers=CONFLICT,
    ),
    Route(
        "POST",
        "/api/v1/deals/{deal}/messages",
        DEAL_ALLOWED[Action.DEAL_PARTICIPATE],
        {"body": "请问可以提供样品测试吗？"},
        seen_by=DEAL_ALLOWED[Action.DEAL_VIEW],
    ),
    Route(
        "POST",
        "/api/v1/deals/{deal}/offers",
        DEAL_ALLOWED[Action.DEAL_PARTICIPATE],
        {"price": "50万"},
        seen_by=DEAL_ALLOWED[Action.DEAL_VIEW],
    ),
    Route(
        "POST",
        "/api/v1/deals/{deal}/terminate",
        DEAL_ALLOWED[Action.DEAL_PARTICIPATE],
        {"reason": "价格未能谈拢"},
        seen_by=DEAL_ALLOWED[Action.DEAL_VIEW],
    ),
    # 项目管理: the bureau runs the call; the applying organisation's people see and write
    # the application, which does not exist for anyone else.
    Route(
        "GET",
        "/api/v1/projects/applications/{application}",
        LISTING_ALLOWED[Action.PROJECT_VIEW],
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "PATCH",
        "/api/v1/projects/applications/{application}",
        LISTING_ALLOWED[Action.PROJECT_EDIT],
        {"title": "车规级雷达芯片封装关键技术攻关（修改）"},
        seen_by={"platform_admin"},
        anonymous=404,
    ),
    *(
        Route(
            "GET",
            f"/api/v1/projects/calls/{{call}}/{part}",
            ALLOWED[Action.PROJECT_MANAGE],
            answers=CONFLICT,
        )
        for part in ("panel", "scores", "ranking")
    ),
    Route(
        "GET",
        "/api/v1/projects/applications/{application}/progress",
        LISTING_ALLOWED[Action.PROJECT_VIEW],
        seen_by=set(),
    ),
    # Staff see every application sent in; the others their organisation's (test_lists.py).
    Route("GET", "/api/v1/projects/calls/{call}/applications", EVERYONE),
    *(
        Route(
            "POST",
            f"/api/v1/projects/calls/{{call}}/{step}",
            ALLOWED[Action.PROJECT_MANAGE],
            answers=UNFINISHED,
        )
        for step in ("publish", "scoring/open", "scoring/close", "publicize")
    ),
    # 专利查新: 查新员 draft the conclusion, 审核员 return or issue it.
    Route(
        "PUT",
        "/api/v1/patents/commissions/{novelty}/draft",
        ALLOWED[Action.NOVELTY_SEARCH],
        {"conclusion": "经检索，未见相同技术方案的公开文献。"},
        seen_by=OWN_ALLOWED[Action.NOVELTY_VIEW],
        answers=UNFINISHED,
    ),
    Route(
        "POST",
        "/api/v1/patents/commissions/{novelty}/submit",
        ALLOWED[Action.NOVELTY_SEARCH],
        seen_by=OWN_ALLOWED[Action.NOVELTY_VIEW],
        answers=UNFINISHED,
    ),
    *(
        Route(
            "POST",
            f"/api/v1/patents/commissions/{{novelty}}/{step}",
            ALLOWED[Action.NOVELTY_REVIEW],
            body,
            seen_by=OWN_ALLOWED[Action.NOVELTY_VIEW],
            answers=UNFINISHED,
        )
        for step, body in (("return", {"note": "请补充检索式"}), ("issue", None))
    ),
    # 揭榜挂帅 panels
    Route(
        "POST", "/api/v1/challenges/{challenge}/panel/open", CHALLENGE_MANAGERS, answers=UNFINISHED
    ),
    Route(
        "POST",
        "/api/v1/challenges/{scored_challenge}/panel/close",
        CHALLENGE_MANAGERS,
        answers=UNFINISHED,
    ),
    # 活动与洽谈
    Route("POST", "/api/v1/events", ALLOWED[Action.EVENT_CREATE], lambda _w: event_payload()),
    Route("GET", "/api/v1/events/{event}/schedule", EVENT_MANAGERS),
    Route("GET", "/api/v1/events/{event}/report", EVENT_MANAGERS),
    Route("GET", "/api/v1/events/{event}/requests?scope=all", EVENT_MANAGERS),
    Route("POST", "/api/v1/events/{event}/transitions/close", EVENT_MANAGERS),
    Route(
        "POST",
        "/api/v1/events/{event}/organisers",
        EVENT_MANAGERS,
        lambda w: {"email": w.colleague_email},
    ),
    Route("POST", "/api/v1/events/{event}/proposals", EVENT_MANAGERS),
    # An organisation's administrator registers its people; the event's managers anyone.
    Route(
        "POST",
        "/api/v1/events/{event}/registrations",
        ALLOWED[Action.EVENT_REGISTER_OTHERS] | EVENT_MANAGERS,
        lambda w: {"user_id": w.colleague},
    ),
    # Acting for a participant: the person, their organisation's administrator, the managers.
    Route(
        "GET",
        "/api/v1/events/{event}/agenda?participant_id={participant}",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
    ),
    Route(
        "GET",
        "/api/v1/events/{event}/agenda.ics?participant_id={participant}",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
    ),
    Route(
        "GET",
        "/api/v1/events/{event}/requests?participant_id={participant}",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
    ),
    Route(
        "DELETE",
        "/api/v1/events/{event}/registrations/{participant}",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
    ),
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/schedule",
        EVENT_MANAGERS,
        {"time_limit": 1},
    ),
    # Check-in by name is the desk's job; the meeting's outcome and its cancellation belong
    # to its two sides (or whoever acts for them) and the managers.
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/checkins",
        EVENT_MANAGERS,
        lambda w: {"participant_id": w.scheduled_participant},
    ),
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/meetings/{meeting}/outcome",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
        {"outcome": "intent", "note": "有合作意向"},
    ),
    Route(
        "POST",
        "/api/v1/events/{scheduled_event}/meetings/{meeting}/cancel",
        PARTICIPANT_ALLOWED[Action.EVENT_ACT_FOR] | EVENT_MANAGERS,
        {"reason": "时间冲突"},
    ),
    # 资金台账
    Route("GET", "/api/v1/funding/lines", ALLOWED[Action.FUNDING_VIEW]),
    Route("GET", "/api/v1/funding/ledger", ALLOWED[Action.FUNDING_VIEW]),
    # 政策奖补
    Route("GET", "/api/v1/incentives/budgets", ALLOWED[Action.INCENTIVE_MANAGE]),
    Route(
        "PUT",
        "/api/v1/incentives/budgets",
        ALLOWED[Action.INCENTIVE_MANAGE],
        {"item_no": 15, "year": 2026, "total": "50万"},
    ),
    Route(
        "POST",
        "/api/v1/incentives/rules/P19/versions",
        ALLOWED[Action.INCENTIVE_MANAGE],
        {"effective_from": "2027-01-01", "cap": "40万", "note": "上限调整"},
    ),
    Route(
        "POST",
        "/api/v1/incentives/claims/{claim}/reject",
        ALLOWED[Action.INCENTIVE_MANAGE],
        {"reason": "材料不全"},
    ),
    # Someone else's claim does not exist for them.
    Route(
        "GET",
        "/api/v1/incentives/claims/{claim}",
        OWN_ALLOWED[Action.INCENTIVE_VIEW_CLAIM],
        seen_by=set(),
    ),
    # 揭榜挂帅
    Route(
        "POST",
        "/api/v1/challenges/{challenge}/applications",
        LISTING_ALLOWED[Action.CHALLENGE_APPLY],
        {"title": "耐候增透膜系设计方案"},
    ),
    Route(
        "PUT",
        "/api/v1/challenges/{challenge}/panel",
        CHALLENGE_MANAGERS,
        lambda w: {"expert_ids": [w.expert]},
    ),
    Route("GET", "/api/v1/challenges/{scored_challenge}/panel", CHALLENGE_MANAGERS),
    Route(
        "GET",
        "/api/v1/challenges/{scored_challenge}/scores",
        CHALLENGE_MANAGERS | OWN_ALLOWED[Action.CHALLENGE_SCORE],
    ),
    # An application is seen by its organisation, the reviewing staff and (once scoring
    # opened) the panel; it does not exist for anyone else. Here it is the other
    # organisation's, so only its administrator edits it.
    Route(
        "GET",
        "/api/v1/challenges/{draft_challenge}/applications/{draft}",
        {"other_org_admin"} | CHALLENGE_MANAGERS,
        seen_by=set(),
        anonymous=404,
    ),
    Route(
        "PATCH",
        "/api/v1/challenges/{draft_challenge}/applications/{draft}",
        {"other_org_admin"},
        {"team": "项目负责人：王教授；成员 8 人"},
        seen_by=CHALLENGE_MANAGERS,
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/challenges/{draft_challenge}/applications/{draft}/submit",
        {"other_org_admin"},
        seen_by=CHALLENGE_MANAGERS,
        anonymous=404,
    ),
    Route(
        "PUT",
        "/api/v1/challenges/{scored_challenge}/applications/{submitted}/score",
        OWN_ALLOWED[Action.CHALLENGE_SCORE],
        SCORE,
        seen_by={"other_org_admin"} | CHALLENGE_MANAGERS,
        anonymous=404,
    ),
    Route(
        "POST",
        "/api/v1/challenges/{draft_challenge}/applications/{draft}/withdraw",
        {"other_org_admin"},
        seen_by=CHALLENGE_MANAGERS,
        anonymous=404,
        answers=UNFINISHED,
    ),
    Route(
        "POST",
        "/api/v1/challenges/{scored_challenge}/award",
        CHALLENGE_MANAGERS,
        {"reason": "综合评分第一"},
        answers=UNFINISHED,
    ),
    # 专利查新: a commission is seen by the agency, its requester and their organisation
    # (everyone else is told it does not exist); only 查新员 search it.
    Route(
        "GET",
        "/api/v1/patents/commissions/{novelty}",
        OWN_ALLOWED[Action.NOVELTY_VIEW],
        seen_by=OWN_ALLOWED[Action.NOVELTY_VIEW],
    ),
    Route(
        "POST",
        "/api/v1/patents/commissions/{novelty}/search",
        ALLOWED[Action.NOVELTY_SEARCH],
        seen_by=OWN_ALLOWED[Action.NOVELTY_VIEW],
    ),
]


@pytest.mark.parametrize("route", API_ROUTES, ids=[f"{r.method} {r.path}" for r in API_ROUTES])
def test_api_routes_follow_the_matrix(
    route: Route,
    people: dict[str, User | None],
    world: World,
    session: Session,
    client: TestClient,
) -> None:
    assert_walk(route, people, world, session, client)
