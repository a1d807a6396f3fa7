"""Reading the version a client edited from If-Match or the body."""

from __future__ import annotations

import pytest

from app.core.errors import InvalidInput
from app.core.versioning import Changes, expected_version, parse_if_match, stale_message


@pytest.mark.parametrize(
    ("header", "version"),
    [('"3"', 3), ('W/"3"', 3), ("3", 3), (' "12" ', 12), ("*", None), ("", None), (None, None)],
)
def test_if_match_forms(header: str | None, version: int | None) -> None:
    assert parse_if_match(header) == version


@pytest.mark.parametrize("header", ['"abc"', '"3", "4"', '"-1"'])
def test_unreadable_if_match_is_a_422(header: str) -> None:
    with pytest.raises(InvalidInput):
        parse_if_match(header)


def test_header_and_body_must_agree() -> None:
    assert expected_version('"2"', None) == 2
    assert expected_version(None, 2) == 2
    assert expected_version('"2"', 2) == 2
    with pytest.raises(InvalidInput):
        expected_version('"2"', 3)


def test_message_names_editors_and_fields_once_each() -> None:
    changes = Changes()
    changes.add("张三", ["title", "summary"], {"title": "标题", "summary": "摘要"})
    changes.add("张三", ["title", "updated_at"], {"title": "标题"})
    assert stale_message("该信息", 3, 5, changes) == (
        "该信息已被他人修改（版本 3 → 5，修改人 张三，修改了：标题、摘要），请刷新后再编辑"
    )
    assert stale_message("该信息", 3, 4, Changes()) == (
        "该信息已被他人修改（版本 3 → 4），请刷新后再编辑"
    )
