"""统一社会信用代码 validation (GB 32100-2015), with messages that name the problem."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...


def check_character(first17: str) -> str:
    """The 18th character that the first seventeen call for."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """Strip spaces and upper-case, since people paste codes with both."""
    return "".join(code.split()).upper()


def credit_code_problem(code: str) -> str | None:
    """A Chinese explanation of what is wrong with ``code``, or None when it is valid."""
    code = normalise(code)
    if not code:
        return "请填写统一社会信用代码"
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            hint = "（代码不使用字母I、O、Z、S、V）" if ch in "IOZSV" else ""
            return f"第{position}位字符“{ch}”不是有效字符{hint}"
    if not code[2:8].isdigit():
        return "第3至8位应为6位数字的登记管理机关行政区划码"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"校验位不正确：按前17位计算，第18位应为“{expected}”，实际为“{code[17]}”，请核对是否有字符输错"
    return None
