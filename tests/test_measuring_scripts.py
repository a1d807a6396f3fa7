"""The measuring scripts run end to end on a small corpus and print their figures.

Their numbers only mean something at full size; here they must not break.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TOPICS = [
    ("车载激光雷达点云目标检测", ["激光雷达", "点云", "目标检测"]),
    ("动力电池低温热管理系统", ["动力电池", "热管理", "低温"]),
    ("玉米深加工副产物功能糖制备", ["玉米深加工", "功能糖", "酶解"]),
    ("医学影像深度学习辅助诊断", ["医学影像", "深度学习", "辅助诊断"]),
    ("碳纤维复合材料轻量化车身", ["碳纤维", "复合材料", "轻量化"]),
    ("半导体激光器芯片封装工艺", ["半导体激光器", "芯片封装", "可靠性"]),
]
SENTENCES = [
    "本文提出一种新的方法，在多个数据集上验证了其有效性。",
    "实验结果表明，该方案显著提高了系统的稳定性与精度。",
    "研究团队完成了中试验证，具备产业化条件。",
    "通过优化工艺参数，生产成本降低约百分之二十。",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "papers.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(60):
            title, keywords = TOPICS[i % len(TOPICS)]
            paper = {
                "id": f"p{i}",
                "title": f"{title}研究（{i}）",
                "abstract": f"{title}。" + "".join(SENTENCES[(i + k) % 4] for k in range(3)),
                "keywords": [*keywords[: 1 + i % 3], f"样本{i}"],
            }
            fh.write(json.dumps(paper, ensure_ascii=False) + "\n")
    return path


def run(script: str, *args: str) -> str:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in [n for n in env if n.startswith("KC_")]:
        del env[name]  # the scripts set up their own platform
    # Without the semantic layer, as the rest of the suite: encoding each indexed record would
    # cost ~0.2 s of CPU (the demo data's ~450 documents: most of bench_pages' 3 minutes), and
    # none of these figures is about the dense side (bench_novelty runs with --no-dense).
    env["KC_DENSE"] = "0"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_eval_search_scores_the_backends_and_their_api_against_the_baseline(
    corpus: Path,
) -> None:
    es_url = os.environ.get("KC_TEST_ELASTICSEARCH_URL", "")
    backends = ["embedded", "elasticsearch"] if es_url else ["embedded"]
    out = run("eval_search", str(corpus), "--api", *(["--es-url", es_url] if es_url else []))
    scores = dict(re.findall(r"^(.+?)\s+MRR@10 ([0-9.]+)", out, re.MULTILINE))
    assert set(scores) == {"bigram-bm25", *backends, *(f"{b} API" for b in backends)}
    for backend in backends:
        # Through the API the ranking is the backend's own.
        assert scores[f"{backend} API"] == scores[backend]


def test_bench_search_prints_indexing_and_query_figures(corpus: Path, tmp_path: Path) -> None:
    out = run(
        "bench_search",
        "--source",
        str(corpus),
        "--docs",
        "400",
        "--queries",
        "30",
        "--sample",
        "100",
        "--db",
        str(tmp_path / "bench.db"),
    )
    assert re.search(r"embedded: 400 docs indexed .* ratio [0-9.]+", out)
    assert re.search(r"embedded: 30 queries, p50 [0-9.]+ ms, p95 [0-9.]+ ms", out)


def test_bench_api_compares_the_api_with_the_backend(corpus: Path, tmp_path: Path) -> None:
    out = run(
        "bench_api",
        "--source",
        str(corpus),
        "--docs",
        "400",
        "--queries",
        "30",
        "--reuse",
        str(tmp_path / "api"),
    )
    assert re.search(r"API p95 / backend p95 = [0-9.]+", out)
    assert re.search(r"serving process RSS \d+ MiB", out)


def test_bench_worker_compares_the_worker_with_the_bulk_write() -> None:
    es_url = os.environ.get("KC_TEST_ELASTICSEARCH_URL", "")
    backends = ["embedded", "elasticsearch"] if es_url else ["embedded"]
    out = run(
        "bench_worker",
        "--messages",
        "60",
        "--single",
        "5",
        *(["--es-url", es_url] if es_url else []),
    )
    for backend in backends:
        assert re.search(
            rf"^{backend}: worker drained 60 index messages in [0-9.]+ s = [0-9.,]+ messages/s; "
            r"backend bulk write [0-9.,]+ docs/s; ratio [0-9.]+$",
            out,
            re.MULTILINE,
        ), out
        assert re.search(
            rf"^{backend}: one message per transaction: [0-9.,]+ messages/s", out, re.M
        )


def test_bench_password_times_the_standard_argon2id_parameters() -> None:
    out = run("bench_password", "--rounds", "1")
    standard = re.search(r"t=2 m=19 MiB p=1\s+([\d.]+)\s+([\d.]+)  <- standard", out)
    assert standard, out
    assert "RFC 9106 low memory" in out


def test_bench_pages_measures_each_page_beside_a_bare_app(tmp_path: Path) -> None:
    out = run("bench_pages", "--quick", "--reuse", str(tmp_path / "pages"))
    for page in (
        "home",
        "achievements list",
        "an achievement",
        "demands list",
        "a demand",
        "a demand's first view, signed in",
        "broker workbench, signed in",
        "a demand, signed in",
        "bare FastAPI",
    ):
        assert re.search(
            rf"^{re.escape(page)}.*? [0-9.]+ rps  p50 +[0-9.]+ ms  p95 +[0-9.]+ ms", out, re.M
        ), out
    assert re.search(r"^home / bare FastAPI = [0-9.]+$", out, re.M), out


def test_bench_projects_runs_the_full_flow_without_over_commit() -> None:
    out = run("bench_projects", "--applications", "5")
    for name in (
        "submit",
        "score",
        "approve",
        "accept (tranche 3)",
        "baseline: bare audited update",
    ):
        assert re.search(rf"^{re.escape(name)} +\d+ +[0-9.]+ +[0-9.]+$", out, re.M), out
    assert "refused (409) at approve: 1" in out
    assert "4 approved and closed: yes" in out


def test_bench_novelty_scores_points_and_commissions_beside_plain_bm25(tmp_path: Path) -> None:
    (tmp_path / "patents").mkdir()
    (tmp_path / "csl").mkdir()
    patents = [
        ("kp-1", "一种铝硅合金棒的生产方法", "再生铝锭加工业硅熔炼，电磁搅拌后扒渣铸造成棒。"),
        ("kp-2", "一种上浆机", "浆槽液面下设多根浸没辊，液面上方一对压浆辊挤去余浆。"),
        ("kp-3", "一种卷帘遮阳帘", "两端设绳轮、平衡扭簧和滑轮组，回卷时没有冲击。"),
    ]
    lines = [
        json.dumps(
            {"id": i, "title": t, "abstract": a, "claims": f"1.{t}，其特征在于：{a}"},
            ensure_ascii=False,
        )
        for i, t, a in patents
    ]
    (tmp_path / "patents" / "dev.jsonl").write_text("\n".join(lines), encoding="utf-8")
    abstract = {"abstract": "一种光伏组件清洗机器人，沿组件边框行走。"}
    (tmp_path / "patents" / "abstracts.jsonl").write_text(
        json.dumps(abstract, ensure_ascii=False), encoding="utf-8"
    )
    paper = {"id": "csl-1", "title": "水稻育秧", "abstract": "育秧大棚温湿度。", "keywords": []}
    (tmp_path / "csl" / "dev.jsonl").write_text(json.dumps(paper, ensure_ascii=False), "utf-8")
    commission = {
        "cid": "n1",
        "project": "再生铝做合金棒",
        "purpose": "立项",
        "tech": "用回收铝料做铝硅合金棒",
        "points": [
            {"no": 1, "text": "回收铝料加硅熔炼", "patent": "kp-1"},
            {"no": 2, "text": "熔化后磁力搅动再去掉浮渣", "patent": "kp-1"},
        ],
    }
    queries = tmp_path / "commissions.jsonl"
    queries.write_text(json.dumps(commission, ensure_ascii=False), encoding="utf-8")
    out = run(
        "bench_novelty",
        "--data",
        str(tmp_path),
        "--commissions",
        str(queries),
        "--no-dense",
        "--timing",
        "50",
    )
    assert "1 commissions, 2 查新点" in out
    for method in ("plain bigram BM25", "plain BM25 + context", "jieba BM25 + context"):
        assert re.search(rf"^{re.escape(method)}\s+[01]\.\d{{3}}", out, re.M), out
    assert "timing corpus: 50 documents" in out and "draft one report (BM25" in out
