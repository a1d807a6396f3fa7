"""Writes queries.jsonl: one 查新点 set per patent of dev.jsonl, phrased as a requester would.

Each query joins the patent's annotated keyphrases (the dataset's ``keywords``, chosen by
people, not taken from the claims) into one of several requester-style sentences, and keeps
at most four of them; the title, abstract and claims are never copied. Run from the
repository root: ``python tests/data/patents/build_queries.py /path/to/dev.jsonl``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TEMPLATES = [
    "我们想查新：有没有用{0}来实现{1}的技术，重点是{2}",
    "项目要点是{0}，结合{1}，希望确认{2}是否已有报道",
    "请帮忙检索关于{1}和{0}的方案，特别是{2}方面",
    "拟申报的成果涉及{2}，核心是{0}与{1}的结合",
    "企业新产品采用{0}，并且在{1}上做了改进，关注{2}",
]


def main(source: str) -> None:
    out = []
    for i, line in enumerate(Path(source).read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        words = [w for w in row.get("keywords", []) if w][:4]
        if len(words) < 2:
            continue
        while len(words) < 3:
            words.append(words[0])
        text = TEMPLATES[i % len(TEMPLATES)].format(*words)
        if len(words) > 3:
            text += f"，以及{words[3]}"
        out.append(
            {
                "qid": f"q{len(out):03d}",
                "query": text,
                "relevant": row["id"] if "id" in row else str(i),
            }
        )
        if len(out) >= 120:
            break
    target = Path(__file__).with_name("queries.jsonl")
    target.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8"
    )
    print(f"{len(out)} queries → {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/patents/dev.jsonl")
