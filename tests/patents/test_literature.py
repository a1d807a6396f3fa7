"""Literature records: imported all or nothing, retrieved by the novelty check beside patents."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.models import Literature, User
from app.models.enums import NoveltyPurpose
from app.patents import commissions, literature
from tests.factories.accounts import make_org, make_user
from tests.factories.fixtures import login, page_csrf
from tests.orgs.test_endpoints import bearer

PAPERS = [
    {
        "文献编号": "10.1234/jlgy.2022.0101",
        "题名": "再生铝熔炼过程中电磁搅拌对铝硅合金成分均匀性的影响",
        "作者": "赵立新；钱敏",
        "刊名": "轻合金加工技术",
        "年份": 2022,
        "摘要": "以再生铝锭和工业硅为原料熔炼铝硅中间合金，比较了电磁搅拌与机械搅拌对硅偏析的影响。"
        "电磁搅拌使熔体硅含量波动由百分之一点二降至百分之零点三，扒渣次数减少。",
        "关键词": ["再生铝", "铝硅合金", "电磁搅拌"],
    },
    {
        "文献编号": "10.1234/nygc.2021.0302",
        "题名": "寒地水稻育秧大棚温湿度远程监测系统",
        "作者": "孙强",
        "刊名": "农业工程学报",
        "年份": 2021,
        "摘要": "设计了一种基于无线传感网络的育秧大棚温湿度监测系统，数据上传云平台，超限时短信报警。",
        "关键词": "育秧大棚，温湿度，远程监测",
    },
    {
        "文献编号": "CL-2020-0033",
        "题名": "玄武岩纤维增强混凝土抗冻性能试验研究",
        "作者": "钱伟；李娜",
        "刊名": "混凝土",
        "年份": 2020,
        "摘要": "通过快速冻融试验研究了玄武岩纤维掺量对混凝土抗冻性能的影响，掺量为千分之二时质量损失最小。",
        "关键词": "玄武岩纤维；混凝土；抗冻性",
    },
]


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def _upload(client: TestClient, headers: dict[str, str], data: bytes) -> Any:
    return client.post(
        "/api/v1/patents/literature/import",
        headers=headers,
        files={"file": ("papers.jsonl", data, "application/json")},
    )


def test_import_and_reimport_by_reference_number(
    client: TestClient, session: Session, searcher: User
) -> None:
    headers = bearer(session, searcher)
    first = _upload(client, headers, _jsonl(PAPERS))
    assert first.status_code == 200, first.text
    assert first.json()["summary"] == "新增 3 篇，更新 0 篇"
    paper = session.scalar(select(Literature).where(Literature.ref_no == "10.1234/nygc.2021.0302"))
    assert paper is not None and paper.keywords == "育秧大棚；温湿度；远程监测"
    changed = [{**PAPERS[1], "题名": "寒地水稻育秧大棚温湿度监测与报警系统"}]
    again = _upload(client, headers, _jsonl(changed)).json()
    assert again["summary"] == "新增 0 篇，更新 1 篇"
    listed = client.get("/api/v1/patents/literature", params={"q": "育秧"}).json()
    assert [p["title"] for p in listed["items"]] == ["寒地水稻育秧大棚温湿度监测与报警系统"]
    assert listed["total"] == 1
    page = client.get("/patents/literature", params={"q": "不存在的题目"})
    assert "没有找到符合条件的文献" in page.text


def test_a_bad_file_is_refused_whole_with_the_report(
    client: TestClient, session: Session, searcher: User
) -> None:
    bad = [PAPERS[0], {**PAPERS[1], "年份": "去年"}, {**PAPERS[2], "题名": ""}, PAPERS[0]]
    response = _upload(client, bearer(session, searcher), _jsonl(bad))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    report = response.json()["report"]
    assert {(e["row"], e["column"]) for e in report["errors"]} == {
        (2, "年份"),
        (3, "题名"),
        (4, "文献编号"),
    }
    assert session.scalar(select(func.count(Literature.id))) == 0
    # The page shows the same report, row by row.
    csv = "文献编号,题名,摘要,年份\nX-1,一篇论文,摘要内容,两千年\n".encode()
    login(client, searcher)
    page = client.post(
        "/patents/literature/import",
        data={"csrf_token": page_csrf(client, "/patents/literature/import")},
        files={"file": ("papers.csv", csv, "text/csv")},
    )
    assert page.status_code == 422
    assert "整个文件未写入" in page.text and "应为四位年份" in page.text


def test_only_the_agency_imports(client: TestClient, session: Session) -> None:
    member = make_user(session, org=make_org(session))
    denied = _upload(client, bearer(session, member), _jsonl(PAPERS))
    assert denied.status_code == 403
    assert "查新员" in denied.json()["detail"]
    assert _upload(client, {}, _jsonl(PAPERS)).status_code == 401


def test_novelty_check_finds_papers_and_reranks_on_marks(
    session: Session, patents: list[dict[str, Any]], searcher: User
) -> None:
    literature.import_file(session, Actor(user=searcher), "papers.jsonl", _jsonl(PAPERS))
    requester = make_user(session, org=make_org(session), name="委托人李工")
    commission = commissions.create(
        session,
        Actor(user=requester),
        project_name="再生铝生产铝硅中间合金",
        purpose=NoveltyPurpose.PROJECT,
        tech_points="用回收铝料和工业硅熔炼铝硅合金，电磁搅拌让硅分布均匀。",
        points=["熔炼再生铝时用电磁搅拌减少硅偏析", "铝液表面浮渣分两次扒出"],
    )
    session.flush()
    commissions.run_search(session, Actor(user=searcher), commission)
    hits = commission.points[0].hits
    kinds = {h["type"] for h in hits}
    assert kinds == {"patent", "literature"}
    paper = next(h for h in hits if h["type"] == "literature")
    assert paper["title"].startswith("再生铝熔炼过程中电磁搅拌")
    assert paper["source"] == "赵立新；钱敏，轻合金加工技术，2022"
    assert "本平台文献库" in commission.strategy["databases"]

    # Marked irrelevant: the paper leaves the point's list; marked relevant: it comes first.
    point = commissions.mark(
        session, Actor(user=searcher), commission, 1, None, False, literature_id=paper["id"]
    )
    assert paper["id"] not in [h["id"] for h in point.hits if h["type"] == "literature"]
    last = point.hits[-1]
    point = commissions.mark(session, Actor(user=searcher), commission, 1, last["id"], True)
    top = point.hits[0]
    assert (top["type"], top["id"], top["relevant"]) == ("patent", last["id"], True)
