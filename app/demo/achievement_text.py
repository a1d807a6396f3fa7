"""What a demo achievement says about itself: its transfer modes, patents and software
copyrights, economic benefit and description, each drawn from the seeded generator."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.demo.data.angles import Angle
from app.demo.data.topics import Sector, Topic
from app.demo.data.wording import (
    BENEFITS,
    DEFAULT_STYLE,
    HOUSE_STYLES,
    PATENT_TITLES,
)
from app.demo.text import fitting, join_words, numbered, sentence
from app.models.enums import MaturityStage, OrgType, TransferMode

if TYPE_CHECKING:
    from app.demo.catalogue import Holder

WAN = 10_000


def patent_check_digit(digits12: str) -> str:
    """The check character of a 12-digit Chinese patent application number."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(digits12, weights, strict=True)) % 11
    return "X" if total == 10 else str(total)


def patent_number(rng: random.Random, kind: int, year: int) -> str:
    serial = f"{rng.randint(0, 1_999_999):07d}"
    body = f"{year}{kind}{serial}"
    return f"ZL{year} {kind} {serial}.{patent_check_digit(body)}"


def transfer_modes(rng: random.Random, maturity: MaturityStage, holder: Holder) -> list[str]:
    pool = [
        (TransferMode.LICENSE, 5),
        (TransferMode.ASSIGNMENT, 4),
        (
            TransferMode.JOINT_DEVELOPMENT,
            4 if maturity in (MaturityStage.LAB, MaturityStage.SMALL_PILOT) else 2,
        ),
        (
            TransferMode.EQUITY,
            3 if maturity in (MaturityStage.PILOT, MaturityStage.INDUSTRIAL) else 1,
        ),
        (TransferMode.TECH_SERVICE, 2),
    ]
    if holder.org.org_type == OrgType.ENTERPRISE:
        pool = [(m, w) for m, w in pool if m != TransferMode.EQUITY]
    chosen: list[TransferMode] = []
    for _ in range(rng.choice((1, 2, 2, 3))):
        mode = rng.choices([m for m, _ in pool], [w for _, w in pool])[0]
        if mode not in chosen:
            chosen.append(mode)
    order = list(TransferMode)
    return [m.value for m in sorted(chosen, key=order.index)]


def ip_items(
    rng: random.Random, topic: Topic, angle: Angle | None, maturity: MaturityStage
) -> list[dict[str, Any]]:
    first_year = 2017 if maturity == MaturityStage.INDUSTRIAL else 2019
    name, form = topic.name, topic.form
    k0 = topic.keywords.split()[0]
    software = f"{name}V{{v}}.0" if name.endswith("系统") else f"{name}软件V{{v}}.0"
    inventions, utilities = PATENT_TITLES[form]
    if angle is not None:
        inventions = (angle.patent, inventions[0])
        count = rng.choices((0, 1, 2), (1, 4, 2))[0]
    elif form == "var":
        count = rng.randint(0, 1)
    else:
        count = rng.choices((0, 1, 2, 3, 4), (1, 4, 4, 3, 2))[0]
    items: list[dict[str, Any]] = []
    for i in range(count):
        year = rng.randint(first_year, 2025)
        copyright_ = form in ("sw", "plat") and (i > 0 or form == "plat") and rng.random() < 0.7
        if copyright_:
            items.append(
                {
                    "type": "software_copyright",
                    "number": f"{year}SR{rng.randint(100_000, 1_999_999):07d}",
                    "title": software.format(v=rng.randint(1, 3)),
                }
            )
            continue
        utility = bool(utilities) and i > 0 and rng.random() < 0.4
        titles = utilities if utility else inventions
        items.append(
            {
                "type": "patent",
                "number": patent_number(rng, 2 if utility else 1, year),
                "title": titles[i % len(titles)].format(n=name, k=k0),
            }
        )
    if form == "var":
        items.append(
            {
                "type": "other",
                "number": f"吉审玉{rng.randint(2021, 2025)}00{rng.randint(10, 99)}",
                "title": f"{name}品种审定证书",
            }
        )
    return items


def benefit(rng: random.Random, form: str, maturity: MaturityStage) -> str:
    scale = {"lab": 1, "small_pilot": 2, "pilot": 3, "industrial": 5}[maturity.value]
    rev = rng.randrange(500, 3000, 100) * scale
    market, share = rng.choice((8, 15, 20, 30, 50, 80, 120)), rng.choice((1, 2, 3, 5))
    values = {
        "rev": rev,
        "tax": round(rev * rng.uniform(0.12, 0.25) / 10) * 10,
        "jobs": rng.randrange(20, 150, 5),
        "lines": rng.randint(1, 3),
        "years": rng.choice(("2", "2.5", "3", "3.5", "4")),
        "market": market,
        "share": share,
        "market_rev": market * share * 100,
        "save": rng.randrange(30, 600, 10),
        "cut": rng.choice((20, 30, 40, 50)),
        "qty": rng.choice((50, 100, 200, 500, 1000)),
        "tons": rng.choice((500, 1000, 2000, 5000, 10000)),
        "margin": rng.randrange(20, 42, 2),
        "users": rng.randrange(20, 200, 10),
        "per_mu": rng.randrange(60, 160, 10),
    }
    pool = fitting(BENEFITS, form)
    picked = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
    return "".join(p.format(**values) for p in picked)


def achievement_description(
    rng: random.Random,
    holder: Holder,
    sector: Sector,
    problem: str,
    method: str,
    indicators: list[str],
    pilot: str,
    modes: list[str],
    price: Decimal | None,
    scenario_text: str,
) -> str:
    mode_text = join_words([TransferMode(m).label for m in modes])
    assigned = TransferMode.ASSIGNMENT.value in modes
    if price is None:
        pool = ["价格面议", "费用可根据合作方式商定"] + (["转让费用面议"] if assigned else [])
        price_text = rng.choice(pool)
    else:
        pool = ["参考价格{}万元，可根据合作方式协商", "挂牌价{}万元"]
        if assigned:
            pool.append("转让参考价{}万元")
            if len(modes) > 1:
                pool.append("转让参考价{}万元，其他方式另议")
        price_text = rng.choice(pool).format(int(price / WAN))
    heading, names, style = HOUSE_STYLES.get(holder.key, DEFAULT_STYLE)
    background, solution, figures, prospects, maturity, cooperation = (
        heading.format(name) for name in names
    )
    list_break = "\n" if heading.endswith("：") else ""
    parts = [
        f"{background}{rng.choice(sector.background)}{sentence(problem)}",
        f"{solution}本成果{sentence(method)}",
        f"{figures}{list_break}{numbered(indicators, style)}",
    ]
    if rng.random() < 0.6:
        parts.append(f"{prospects}{scenario_text}")
    parts.append(f"{maturity}{pilot}")
    parts.append(f"{cooperation}拟以{mode_text}方式转化，{price_text}。")
    return "\n\n".join(parts)


# challenges ----------------------------------------------------------------------------------
