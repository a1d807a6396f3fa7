"""Writes practitioner_queries.jsonl: what a practitioner types into the search box, a few
words, for each demand of ../matching/practitioner_demands.jsonl (each answered by one paper of
the CSL sample, ``shared/data/csl/dev.jsonl``).

A query is the demand's title (written by hand in lay or industry words, the paper's author
keywords withheld) cut into words with the platform's analyzer, words of one character and
duplicates dropped, at most five kept, joined by spaces. Run from the repository root:
``python tests/data/search/build_queries.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from search.analysis import Analyzer  # noqa: E402

SOURCE = HERE.parent / "matching" / "practitioner_demands.jsonl"
MAX_WORDS = 5


def main() -> None:
    analyzer = Analyzer()
    out = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        demand = json.loads(line)
        words = [t for t in analyzer.query_tokens(demand["title"]) if len(t) >= 2]
        words = list(dict.fromkeys(words))[:MAX_WORDS]
        if len(words) < 2:
            continue
        out.append({"qid": demand["id"], "query": " ".join(words), "paper_id": demand["paper_id"]})
    target = HERE / "practitioner_queries.jsonl"
    with target.open("w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(out)} queries written to {target}")


if __name__ == "__main__":
    main()
