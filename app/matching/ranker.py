"""Structured fit between the two sides of a match, each part with its Chinese explanation.

Every function returns a fit in [0, 1] (0.5 means "nothing to say either way", e.g. 面议)
and the reason shown to people. ``combine`` weighs text relevance and the structured parts
into one score from 0 to 100. The weights were chosen with ``scripts/bench_matching``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import jieba

from app.core.money import format_yuan
from app.models import Achievement, Challenge, Demand, Listing
from app.models.enums import MaturityStage, TransferMode
from search import dense
from search.analysis import default_analyzer, normalize

#: Weight of each part in the final score; they add up to 1.
WEIGHTS: dict[str, float] = {
    "text": 0.45,
    "field": 0.3,
    "maturity": 0.08,
    "budget": 0.06,
    "modes": 0.06,
    "region": 0.05,
}
NEUTRAL = 0.5

_MATURITY_RANK = {
    MaturityStage.LAB: 0,
    MaturityStage.SMALL_PILOT: 1,
    MaturityStage.PILOT: 2,
    MaturityStage.INDUSTRIAL: 3,
}
_RANK_LABEL = {0: "实验室阶段", 1: "小试阶段", 2: "中试阶段", 3: "产业化阶段"}
_NEEDS_INDUSTRIAL = re.compile(r"量产|产业化|批量|规模化|成熟产品|直接应用|即插即用|现成")
_NEEDS_PILOT = re.compile(r"中试|样机|工程化|示范应用|验证")
_EARLY_OK = re.compile(r"联合研发|共同研发|合作研发|预研|前沿|探索")

# Words too common in listings to say anything about a match.
GENERIC_TERMS = frozenset(
    [
        "技术",
        "系统",
        "方法",
        "研究",
        "应用",
        "企业",
        "需求",
        "提高",
        "实现",
        "开发",
        "研发",
        "产品",
        "项目",
        "装置",
        "设备",
        "工艺",
        "方案",
        "问题",
        "基于",
        "合作",
        "提升",
        "降低",
        "关键",
        "进行",
        "能力",
        "领域",
        "要求",
        "相关",
        "主要",
        "目前",
        "具有",
        "采用",
        "提供",
        "通过",
        "以及",
        "我们",
        "公司",
        "单位",
        "成果",
        "转化",
        "解决",
        "需要",
        "希望",
        "形成",
        "推动",
        "国内",
        "国外",
        "市场",
        "行业",
        "生产",
        "使用",
        "一种",
        "新型",
        "高效",
        "智能",
        "平台",
        "服务",
        "效果",
        "水平",
        "性能",
        "质量",
        "成本",
        "效率",
        "综合",
        "整体",
        "现有",
        "传统",
        "过程",
        "可以",
        "能够",
        "包括",
        "方面",
        "目标",
        "指标",
        "团队",
        "长春",
        "吉林",
        "吉林省",
        "长春市",
        "万元",
        "以上",
        "以下",
        "左右",
        "寻求",
        "寻找",
        "征集",
        "超过",
        "达到",
        "不足",
        "存在",
        "现场",
        "我司",
        "本公司",
        "希望得到",
        # Function words common enough to say nothing, yet rare enough to pass the IDF bar.
        "面向",
        "针对",
        "用于",
        "利用",
        "对于",
        "关于",
    ]
)

#: Words a ranking may search with but a reason never names as shared keywords.
UNNAMED_TERMS = frozenset(
    [
        # Verbs and comparisons of any problem statement ("依赖进口", "小于0.5mm", "缩短周期"):
        # both sides use them, yet they say nothing of the technology.
        "依赖",
        "小于",
        "大于",
        "低于",
        "高于",
        "缺少",
        "缺乏",
        "缩短",
        "延长",
        "替代",
        "替换",
        "减少",
        "增加",
        "改善",
        "改进",
        "避免",
        "确保",
        "保证",
        "导致",
        "影响",
        "适用",
        "满足",
        "验证",
        "批量",
        "在线",
        "来料",
        "出厂",
        "国产",
        "国产化",
        "低成本",
        # Stages of maturity: the maturity reason names them, a shared word would repeat it.
        "实验室",
        "小试",
        "中试",
        "中试放大",
        "产业化",
        # Ways of cooperating: the modes reason names them.
        "技术咨询",
        "技术服务",
        "技术转让",
        "合作开发",
        "联合开发",
        # What any project plan says of itself.
        "周期长",
        "复现",
        "可比性",
    ]
)

#: jieba's inverse document frequencies, from a large general corpus: a word at or below this
#: (正在 4.7, 分析 4.8, 稳定 5.2, 运用 6.2, 天气 6.5, 人工 6.8) is too common in any text to
#: tell a reader why two listings belong together; domain words sit well above it (检测 6.9,
#: 图像 7.8, 传感器 8.5, 绝缘子 11.4). A listing's own keywords are named whatever their IDF.
COMMON_WORD_IDF = 6.85
_IDF_FILE = Path(jieba.__file__).parent / "analyse" / "idf.txt"


@cache
def common_words() -> frozenset[str]:
    """The 3,500 or so words of jieba's IDF table at or below ``COMMON_WORD_IDF``."""
    words = []
    with _IDF_FILE.open(encoding="utf-8") as table:
        for line in table:
            word, _, idf = line.rstrip().rpartition(" ")
            if word and float(idf) <= COMMON_WORD_IDF:
                words.append(word)
    return frozenset(words)


def telling(term: str, keywords: AbstractSet[str] = frozenset()) -> bool:
    """Whether ``term`` is worth naming as a shared keyword: one of the listings' own keywords,
    or a word neither generic here nor common in Chinese at large; never a figure or a word
    of ``UNNAMED_TERMS``."""
    if term in UNNAMED_TERMS or _NUMBER.fullmatch(term):
        # Said of any project, even as its own keyword ("中试放大", "低成本"); "50" or "98%"
        # is a figure, not a technology ("800V" is).
        return False
    if term in keywords:
        return True
    return term not in GENERIC_TERMS and term not in common_words()


_NUMBER = re.compile(r"[\d.,%]+")


def maturity_rank(listing: Achievement) -> int | None:
    if listing.trl is not None:
        return 0 if listing.trl <= 3 else 1 if listing.trl <= 5 else 2 if listing.trl <= 7 else 3
    return _MATURITY_RANK.get(listing.maturity) if listing.maturity else None


def needed_rank(listing: Listing) -> int:
    """How mature a solution the demand or challenge asks for, read from its text and modes."""
    parts = (
        listing.title,
        listing.summary,
        getattr(listing, "problem", ""),
        getattr(listing, "indicators", ""),
    )
    text = " ".join(p or "" for p in parts)
    modes = set(getattr(listing, "cooperation_modes", None) or [])
    if _NEEDS_INDUSTRIAL.search(text):
        return 3 if not modes or modes & {"assignment", "license"} else 2
    if _NEEDS_PILOT.search(text):
        return 2
    if _EARLY_OK.search(text) or modes == {"joint_development"}:
        return 0
    if isinstance(listing, Challenge):
        return 1
    return 1


@dataclass
class Fit:
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def add(self, name: str, value: float, reason: str = "") -> None:
        self.parts[name] = value
        if reason:
            self.reasons.append(reason)


def terms(texts: Iterable[tuple[str, float]], limit: int = 24) -> list[str]:
    """The most telling words of weighted texts (segmented with the search dictionary)."""
    analyzer = default_analyzer()
    weights: dict[str, float] = {}
    for text, weight in texts:
        for token in analyzer.query_tokens(text):
            if len(token) >= 2 and token not in GENERIC_TERMS and not token.isdigit():
                weights[token] = weights.get(token, 0.0) + weight
    return sorted(weights, key=lambda t: -weights[t])[:limit]


def public_terms(listing: Listing) -> set[str]:
    """Words of the parts of a listing everybody may read (title, keywords, summary)."""
    analyzer = default_analyzer()
    out: set[str] = set()
    for kw in listing.keywords or []:
        out.add(kw.strip().lower())
    for text in (listing.title, listing.summary):
        out.update(t for t in analyzer.index_tokens(text) if len(t) >= 2)
    return {t for t in out if t and t not in GENERIC_TERMS}


def public_text(listing: Listing) -> str:
    """The normalised text everybody may read, for cheap substring checks."""
    return normalize(" ".join([listing.title, " ".join(listing.keywords or []), listing.summary]))


def shareable_terms(source: Listing, query_terms: list[str]) -> list[str]:
    """The source's public words worth naming in a reason, most telling first."""
    public = public_terms(source)
    ordered = [t for t in query_terms if t in public]
    ordered += sorted(public - set(ordered), key=len, reverse=True)
    return ordered


def shared_terms(
    shareable: list[str], other_text: str, limit: int = 5, keywords: AbstractSet[str] = frozenset()
) -> list[str]:
    """Telling terms of ``shareable`` that also occur in ``other_text``; longer words hide
    their parts. ``keywords`` (either side's own, normalised) are telling whatever their IDF."""
    out: list[str] = []
    for term in shareable:
        if not telling(term, keywords):
            continue
        if term in other_text and not any(term in kept for kept in out):
            out.append(term)
            if len(out) >= limit:
                break
    return out


def own_keywords(*listings: Listing) -> set[str]:
    """The listings' own keywords, normalised as the shared terms are."""
    return {normalize(k.strip()) for listing in listings for k in listing.keywords or [] if k}


def as_written(term: str, *listings: Listing) -> str:
    """``term`` as the listings spell it: the terms are case-folded to be compared, but a
    reader should see "4D", not "4d"."""
    pattern = re.compile(re.escape(term), re.IGNORECASE)
    for listing in listings:
        for text in (listing.title, " ".join(listing.keywords or []), listing.summary):
            found = pattern.search(text or "")
            if found:
                return found.group(0)
    return term


def field_fit(
    need: Listing, offer_field: str | None, field_names: dict[str, str], parents: dict[str, str]
) -> tuple[float, str]:
    want = need.field_code
    if not want or not offer_field:
        return NEUTRAL, ""
    if want == offer_field:
        return 1.0, f"领域一致：{field_names.get(want, want)}"
    top_want = parents.get(want, want)
    top_offer = parents.get(offer_field, offer_field)
    if top_want == top_offer:
        return 0.6, f"同属{field_names.get(top_want, top_want)}领域"
    return 0.0, ""


def structured_fit(
    need: Listing,
    offer: Listing,
    field_names: dict[str, str],
    parents: dict[str, str],
    regions: dict[str, str],
    *,
    want: int | None = None,
) -> Fit:
    """How well ``offer`` (an achievement) suits ``need`` (a demand or challenge); ``want``
    is ``needed_rank(need)`` when the caller already knows it."""
    fit = Fit()
    fit.add("field", *field_fit(need, offer.field_code, field_names, parents))
    if isinstance(offer, Achievement):
        have = maturity_rank(offer)
        if want is None:
            want = needed_rank(need)
        if have is None:
            fit.add("maturity", NEUTRAL)
        elif have >= want:
            stage = offer.maturity.label if offer.maturity else _RANK_LABEL[have]
            trl = f"（TRL {offer.trl}）" if offer.trl else ""
            fit.add("maturity", 1.0, f"成熟度满足要求：{stage}{trl}")
        elif have == want - 1:
            fit.add(
                "maturity",
                0.4,
                f"成熟度略低：目前为{_RANK_LABEL[have]}，需求期望{_RANK_LABEL[want]}",
            )
        else:
            fit.add(
                "maturity",
                0.0,
                f"成熟度不足：目前为{_RANK_LABEL[have]}，需求期望{_RANK_LABEL[want]}",
            )
        fit.add("budget", *budget_fit(need, offer.price))
        fit.add("modes", *modes_fit(need, offer.transfer_modes or []))
    if need.region_code and need.region_code == offer.region_code:
        fit.add("region", 1.0, f"同在{regions.get(need.region_code, '本地')}")
    else:
        fit.add("region", 0.0)
    return fit


def _budget_of(need: Listing) -> Decimal | None:
    if isinstance(need, Demand):
        return need.budget_max
    if isinstance(need, Challenge):
        return need.reward
    return None


def budget_fit(need: Listing, price: Decimal | None) -> tuple[float, str]:
    budget = _budget_of(need)
    if price is None:
        return NEUTRAL, "价格面议"
    if budget is None:
        word = "榜单奖金" if isinstance(need, Challenge) else "预算"
        return NEUTRAL, f"{word}面议，成果报价{format_yuan(price)}"
    cap = f"{'榜单奖金' if isinstance(need, Challenge) else '预算上限'}{format_yuan(budget)}"
    quoted = f"报价{format_yuan(price)}"
    if price <= budget:
        return 1.0, f"{quoted}，在{cap}以内"
    if price <= budget * Decimal("1.5"):
        return 0.4, f"{quoted}，略高于{cap}"
    return 0.0, f"{quoted}，超出{cap}"


def modes_fit(need: Listing, transfer_modes: list[str]) -> tuple[float, str]:
    wanted = list(getattr(need, "cooperation_modes", None) or [])
    if not wanted or not transfer_modes:
        return NEUTRAL, ""
    common = [m for m in transfer_modes if m in wanted]
    if common:
        labels = "、".join(
            TransferMode(m).label for m in common if m in TransferMode._value2member_map_
        )
        return 1.0, f"合作方式相符：{labels}"
    return 0.0, "合作方式不同"


def combine(text: float, fit: Fit) -> float:
    """The final score, 0–100: text relevance plus structured fit (missing parts neutral)."""
    total = WEIGHTS["text"] * text
    for name, weight in WEIGHTS.items():
        if name != "text":
            total += weight * fit.parts.get(name, NEUTRAL)
    return round(100 * total, 2)


#: The least cosine similarity of two clauses a semantic reason names.
SEMANTIC_FLOOR = 0.88
#: Share of the shorter clause's character pairs the other holds, from which two clauses
#: are the same words rather than a match by meaning.
LEXICAL_OVERLAP = 0.6


def by_meaning(asked: str, offered: str, similarity: float) -> bool:
    """Whether a pair of clauses says the two texts meet in meaning: alike enough, in other
    words (the same words are the shared keywords' to name), and each about something
    (a clause of generic words only, "现有技术中" or "低成本", is close to anything)."""
    if similarity < SEMANTIC_FLOOR:
        return False
    a, b = normalize(asked), normalize(offered)
    if a in b or b in a or _bigram_overlap(a, b) >= LEXICAL_OVERLAP:
        return False
    return all(
        any(len(t) >= 2 and telling(t) for t in default_analyzer().query_tokens(text))
        for text in (asked, offered)
    )


def _bigram_overlap(a: str, b: str) -> float:
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    shorter = min(len(grams_a), len(grams_b))
    return len(grams_a & grams_b) / shorter if shorter else 0.0


def whole_clause(text: str, phrase: str, longest: int = 24) -> str:
    """The clause of ``text`` that ``phrase`` (a clause cut to the encoder's length) starts,
    so a reason does not end in the middle of a word; cut with an ellipsis when long."""
    for clause in dense.clauses(text):
        if clause.startswith(phrase):
            return clause if len(clause) <= longest else clause[: longest - 1] + "…"
    return phrase
