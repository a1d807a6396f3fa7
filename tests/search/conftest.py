"""Fixtures for the search contract suite: one parametrised backend fixture, own documents.

The suite runs unchanged on every backend. ``embedded`` always runs; ``elasticsearch`` runs
when KC_TEST_ELASTICSEARCH_URL points at a node (each test gets its own index), is skipped
when it is unset, and fails instead when CI=true, so CI can never silently skip it.
``opensearch`` runs likewise on KC_TEST_OPENSEARCH_URL; CI runs it in its own step
(KC_TEST_SEARCH_BACKEND=opensearch), where a missing node fails.
"""

from __future__ import annotations

import os
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest

from search.analysis import Analyzer
from search.base import SearchBackend, SearchDocument
from search.factory import create_backend

ES_URL_VAR = "KC_TEST_ELASTICSEARCH_URL"
ENGINE_URL_VARS = {"elasticsearch": ES_URL_VAR, "opensearch": "KC_TEST_OPENSEARCH_URL"}
ENGINE_SCRIPTS = {"elasticsearch": "scripts/es-node.sh", "opensearch": "scripts/os-node.sh"}
ENGINES = list(ENGINE_URL_VARS)
RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """One analyzer with the built-in dictionary for the whole run (jieba loads once)."""
    return Analyzer()


def _engine_url(kind: str) -> str:
    var = ENGINE_URL_VARS[kind]
    url = os.environ.get(var, "")
    if not url:
        required = kind == "elasticsearch" or os.environ.get("KC_TEST_SEARCH_BACKEND") == kind
        if os.environ.get("CI") == "true" and required:
            pytest.fail(f"{var} is not set: CI must run the {kind} contract suite")
        pytest.skip(f"{var} is not set; start the node with {ENGINE_SCRIPTS[kind]}")
    return url


@pytest.fixture(params=["embedded", *ENGINES])
def empty_backend(request: pytest.FixtureRequest, analyzer: Analyzer) -> Iterator[SearchBackend]:
    """A ready backend with nothing indexed."""
    kind = request.param
    if kind == "embedded":
        backend = create_backend("embedded", path=":memory:", analyzer=analyzer)
        index_name = ""
    else:
        url = _engine_url(kind)
        index_name = f"kc-test-{RUN_ID}-{uuid.uuid4().hex[:8]}"
        backend = create_backend(kind, url=url, index=index_name, analyzer=analyzer)
    backend.ensure_ready()
    try:
        yield backend
    finally:
        backend.close()
        if index_name:
            _drop_engine_indices(kind, index_name)


def _drop_engine_indices(kind: str, prefix: str) -> None:
    """Delete a test's indices over plain HTTP, whichever engine holds them."""
    url = f"{os.environ[ENGINE_URL_VARS[kind]].rstrip('/')}/{prefix}*?ignore_unavailable=true"
    with urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=30):
        pass


@pytest.fixture
def backend(empty_backend: SearchBackend) -> SearchBackend:
    """A backend holding the fixture documents below."""
    empty_backend.index(fixture_documents())
    return empty_backend


def doc(type_: str, id_: str, title: str, **fields: object) -> SearchDocument:
    """Shorthand for a SearchDocument in tests."""
    return SearchDocument(type_, id_, title, **fields)  # type: ignore[arg-type]


def fixture_documents() -> list[SearchDocument]:
    """A small marketplace: achievements, demands and a challenge across key industries."""
    return [
        doc(
            "achievement",
            "lidar",
            "车载激光雷达点云目标检测系统",
            keywords=["激光雷达", "自动驾驶", "点云"],
            summary="面向智能网联汽车的多线激光雷达感知算法，实现行人与车辆的实时检测。",
            body="系统包括点云预处理、目标检测和多目标跟踪模块，已在城市道路完成测试。",
            facets={"field": "智能网联", "region": "长春", "maturity": "中试"},
            numbers={"price": 800000},
            published_at=datetime(2024, 5, 1, 9, 0),
        ),
        doc(
            "demand",
            "thermal",
            "新能源汽车动力电池热管理技术需求",
            keywords=["热管理", "动力电池"],
            summary="寻求适用于新能源汽车的动力电池热管理方案，要求低温环境下续航衰减小于百分之二十。",
            facets={"field": "新能源汽车", "region": "长春"},
            numbers={"price": 500000},
            published_at=datetime(2024, 6, 10, 9, 0),
        ),
        doc(
            "achievement",
            "agv",
            "智能工厂物流搬运机器人",
            keywords=["移动机器人", "智能制造"],
            summary="移动机器人在车间内自主导航，完成物料搬运。",
            body="导航方案采用激光雷达与视觉融合定位，定位精度达到厘米级。",
            facets={"field": "高端装备", "region": "吉林", "maturity": "产业化"},
            published_at=datetime(2023, 11, 20, 9, 0),
        ),
        doc(
            "achievement",
            "calib",
            "激光器与毫米波雷达联合标定装置",
            keywords=["标定", "光电测试"],
            summary="用于光电测试的激光器和毫米波雷达联合标定装置。",
            facets={"field": "光电信息", "region": "长春", "maturity": "小试"},
            published_at=datetime(2023, 3, 5, 9, 0),
        ),
        doc(
            "achievement",
            "nodule",
            "基于人工智能的肺结节医学影像辅助诊断",
            keywords=["人工智能", "医学影像", "辅助诊断"],
            summary="利用深度学习对胸部计算机断层扫描影像中的肺结节进行检出与良恶性判别。",
            facets={"field": "医药健康", "region": "长春", "maturity": "中试"},
            published_at=datetime(2024, 2, 14, 9, 0),
        ),
        doc(
            "achievement",
            "anode",
            "鋰離子電池矽碳負極材料製備技術",
            keywords=["矽碳負極", "鋰離子電池"],
            summary="一種高容量矽碳負極材料，提升鋰離子電池能量密度與循環壽命。",
            facets={"field": "新材料", "region": "吉林", "maturity": "小试"},
            published_at=datetime(2022, 9, 1, 9, 0),
        ),
        doc(
            "demand",
            "corn",
            "玉米深加工副产物综合利用技术需求",
            keywords=["玉米深加工", "秸秆综合利用"],
            summary="寻求玉米芯与玉米秸秆的高值化利用技术，用于生产功能糖和生物基材料。",
            facets={"field": "农产品加工", "region": "四平"},
            published_at=datetime(2024, 1, 8, 9, 0),
        ),
        doc(
            "challenge",
            "chip",
            "揭榜挂帅：<车规级>芯片国产化替代 & 验证",
            keywords=["车规级芯片", "汽车电子"],
            summary="面向汽车电子的车规级芯片研发与可靠性验证。",
            facets={"field": "智能网联", "region": "长春"},
            published_at=datetime(2024, 7, 1, 9, 0),
        ),
        doc(
            "achievement",
            "storage",
            "储能电站安全监测平台",
            keywords=["储能", "安全监测"],
            summary="通过红外热成像和电池管理数据预警热失控，适应低温与高温等复杂环境。",
            facets={"field": "新能源汽车", "region": "四平", "maturity": "产业化"},
            published_at=datetime(2023, 8, 18, 9, 0),
        ),
        doc(
            "achievement",
            "segmentation",
            "自动驾驶点云语义分割数据集与算法",
            keywords=["点云", "自动驾驶", "语义分割"],
            summary="面向自动驾驶场景的激光雷达点云语义分割算法与标注数据集。",
            facets={"field": "智能网联", "region": "吉林", "maturity": "中试"},
            published_at=datetime(2024, 3, 3, 9, 0),
        ),
    ]
