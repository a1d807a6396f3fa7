from __future__ import annotations

import pytest

from app.orgs.credit_code import check_character, credit_code_problem, normalise


class TestCreditCode:
    @pytest.mark.parametrize("code", ["91110000600037341L", "91350100M000100Y43"])
    def test_published_codes_are_valid(self, code: str) -> None:
        assert credit_code_problem(code) is None

    def test_spaces_and_lower_case_are_forgiven(self) -> None:
        assert normalise(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
        assert credit_code_problem("91110000600037341l") is None

    def test_wrong_length_says_how_long(self) -> None:
        assert credit_code_problem("9111000060003734") == "统一社会信用代码应为18位，当前为16位"

    def test_letters_the_standard_excludes(self) -> None:
        problem = credit_code_problem("9111000060003734OL")
        assert problem == "第17位字符“O”不是有效字符（代码不使用字母I、O、Z、S、V）"

    def test_region_part_must_be_digits(self) -> None:
        code = "91AB0000600037341"
        assert credit_code_problem(code + check_character(code)) == (
            "第3至8位应为6位数字的登记管理机关行政区划码"
        )

    def test_wrong_check_character_names_the_expected_one(self) -> None:
        problem = credit_code_problem("91110000600037341M")
        assert problem is not None
        assert "第18位应为“L”，实际为“M”" in problem

    def test_empty(self) -> None:
        assert credit_code_problem("") == "请填写统一社会信用代码"
