"""The funded programmes of the policy: which clause each carries out and its cap per project.

A programme is data the code knows (the policy fixes them); each call names one by its code.
``cap`` is the policy's 最高 per project, ``None`` where the clause sets none (item 2 leaves the
amount to each call).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    #: the policy item (第N条) the programme carries out
    item_no: int
    cap: Decimal | None
    summary: str


PROGRAMMES: dict[str, Programme] = {
    p.code: p
    for p in [
        Programme(
            "nsf_joint",
            "长春市自然科学联合基金",
            2,
            None,
            "重点产业领域的基础前沿研究、“卡脖子”技术攻关和成果转化中的基础理论与底层技术研究",
        ),
        Programme(
            "enterprise_rd",
            "企业关键核心技术攻关",
            3,
            Decimal("1000000"),
            "支持企业攻克关键核心技术、研制创新迭代产品，最高给予100万元支持",
        ),
        Programme(
            "major_special",
            "重大科技专项",
            5,
            Decimal("20000000"),
            "集成产业链企业及高校院所，推动产学研用联合、上中下游贯通，单个项目最高2000万元",
        ),
        Programme(
            "intl_coop",
            "国际科技合作",
            24,
            Decimal("1000000"),
            "国际科技合作交流、引进国外技术和人才、推动成果在长转化的国际科技合作基地（园区），"
            "最高100万元",
        ),
        Programme(
            "loan_interest",
            "科技型中小企业贷款贴息",
            26,
            Decimal("300000"),
            "因实施科技创新项目获得信贷融资的科技型中小企业给予贴息支持，最高30万元",
        ),
    ]
}


def programme(code: str) -> Programme | None:
    return PROGRAMMES.get(code)


def choices() -> list[tuple[str, str]]:
    return [(p.code, f"{p.name}（第{p.item_no}条）") for p in PROGRAMMES.values()]
