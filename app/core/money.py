"""The one exact money type: yuan as ``Decimal`` with two places, never floats.

``Money`` is for schemas (accepts "12.5万", "1,200,000", 1200000 and rejects negatives,
more than two decimals and floats' rounding noise); ``MoneyColumn`` stores it as
NUMERIC(16, 2); ``format_yuan`` shows it the way Chinese readers expect.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from sqlalchemy import Numeric

CENT = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MAX_YUAN = Decimal("99999999999999.99")


def parse_yuan(value: Any) -> Decimal:
    """An exact amount in yuan from a number or text such as "12.5万元" or "1,200,000"."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # the shortest text of the float, not its binary value
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").replace("￥", "").replace("¥", "")
        text = text.removesuffix("元")
        unit = Decimal(1)
        if text.endswith("亿"):
            unit, text = YI, text[:-1]
        elif text.endswith("万"):
            unit, text = WAN, text[:-1]
        try:
            amount = Decimal(text) * unit
        except InvalidOperation:
            raise ValueError("金额格式不正确，请填写数字，例如 500000 或 50万") from None
    else:
        raise ValueError("金额格式不正确")
    if not amount.is_finite():
        raise ValueError("金额格式不正确")
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount > MAX_YUAN:
        raise ValueError("金额过大")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError("金额最多保留两位小数（精确到分）")
    return amount.quantize(CENT)


Money = Annotated[
    Decimal,
    BeforeValidator(parse_yuan),
    PlainSerializer(lambda d: str(d), return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "description": "金额（元），精确到分"}
    ),
]


def MoneyColumn() -> Numeric[Decimal]:
    return Numeric(16, 2, asdecimal=True)


def exact_yuan(amount: Decimal | None) -> str:
    """An amount to the fen, grouped, for sums people check by hand: 680,000.00元.

    Every message, notification and audit line that names an exact amount uses this one.
    """
    return "—" if amount is None else f"{amount:,.2f}元"


def format_yuan(amount: Decimal | None, *, negotiable_text: str = "面议") -> str:
    """¥ amounts the way people read them: 8,000元, 12.5万元, 1.2亿元."""
    if amount is None:
        return negotiable_text
    if amount >= YI:
        return f"{(amount / YI).normalize():f}亿元"
    if amount >= WAN:
        return f"{(amount / WAN).quantize(Decimal('0.01')).normalize():f}万元"
    return f"{amount:,.2f}".removesuffix(".00") + "元"
