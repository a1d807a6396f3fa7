"""Password hashing (Argon2id via argon2-cffi), password strength, random tokens as hashes."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import Parameters
from zxcvbn import zxcvbn

from app.core.config import get_settings

MIN_PASSWORD_LENGTH = 8
#: zxcvbn's score (0 to 4) a new password needs: 3 is "safely unguessable" (about 10^8 guesses).
MIN_PASSWORD_SCORE = 3
_ZXCVBN_MAX_LENGTH = 100  # zxcvbn's time grows with length; the tail adds strength anyway

#: Argon2id at OWASP's first recommendation (19 MiB, two passes, one lane): about 60 ms per
#: hash on a 2-core machine (scripts/bench_password), so a burst of logins stays affordable.
STANDARD = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=2,
    memory_cost=19 * 1024,
    parallelism=1,
)


@lru_cache
def _hasher() -> PasswordHasher:
    """Argon2id with the standard parameters; the test suite opts into cheap ones."""
    if get_settings().password_hash_cost == "test-only-cheap":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(STANDARD)


@lru_cache
def _dummy_hash() -> str:
    # Verified against when the account does not exist, so both paths cost the same time.
    return _hasher().hash("kechuang-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash still spends the verification time."""
    try:
        matched = _hasher().verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@lru_cache
def common_passwords() -> tuple[str, ...]:
    """Passwords common here that zxcvbn's own lists rank low (``data/common_passwords.txt``)."""
    path = Path(__file__).with_name("data") / "common_passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # control, format (zero-width), lone surrogates, breaks

_PATTERN_ADVICE = {
    "spatial": "使用了键盘上相邻的按键（如 qwerty、1qaz2wsx）",
    "repeat": "使用了重复的字符或片段（如 aaaa、abcabc）",
    "sequence": "使用了连续的字母或数字（如 abcd、123456）",
    "date": "使用了日期或年份",
    "regex": "使用了日期或年份",
}


def _advice(result: dict[str, Any], personal: set[str]) -> str:
    """The first weakness zxcvbn found, explained in Chinese."""
    for match in result["sequence"]:
        pattern = match["pattern"]
        if pattern == "dictionary":
            word = str(match.get("matched_word", ""))
            if match.get("dictionary_name") == "user_inputs" and word in personal:
                return "包含了您的邮箱或姓名"
            if match.get("dictionary_name") in {"passwords", "user_inputs"}:
                return "这是常见密码或其简单变形"
            return "主要由常见的单词、姓名或拼音组成"
        if pattern in _PATTERN_ADVICE:
            return _PATTERN_ADVICE[pattern]
    return "长度或变化不够"


def password_problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """A Chinese explanation of why a new password is too weak, or None.

    Refuses control, zero-width and other invisible characters (a password that looks empty,
    or differs from what was seen, locks the person out), then asks zxcvbn how guessable the
    password is, with the common-password list and the person's own email and name as words
    an attacker would try first.
    """
    if any(unicodedata.category(ch) in _INVISIBLE for ch in password):
        return "密码不能包含零宽字符、控制字符等不可见字符"
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要{MIN_PASSWORD_LENGTH}位"
    words = {part.lower() for value in personal for part in _personal_words(value)}
    result = zxcvbn(
        password[:_ZXCVBN_MAX_LENGTH], user_inputs=[*sorted(words), *common_passwords()]
    )
    if result["score"] < MIN_PASSWORD_SCORE:
        return f"密码太容易被猜到：{_advice(result, words)}。建议用几个不相关的词加数字和符号组成"
    return None


def _personal_words(value: str) -> list[str]:
    value = value.strip()
    if not value:
        return []
    local = value.split("@", 1)[0]
    return [w for w in {value, local} if len(w) >= 3]


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
