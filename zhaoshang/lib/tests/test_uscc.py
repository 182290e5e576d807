import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhaoshang.lib.uscc import ALPHABET, check_character, is_valid_uscc, uscc_error

# Codes built the way registration authorities build them: 登记管理部门 + 机构类别 +
# 行政区划 + 主体标识码, then the check character.
BODIES = ["91350100MA2XN0JB1", "91350182MA31KH8R2", "12350000003591437", "92350112MA8U1XY03"]
VALID = [body + check_character(body) for body in BODIES]


def test_codes_with_their_check_character_are_valid():
    for code in VALID:
        assert is_valid_uscc(code), code


def test_a_code_from_a_licence_is_valid():
    assert uscc_error("91350100M000100Y43") is None
    assert uscc_error("91350100M000100Y44") == "校验位不正确"


@pytest.mark.parametrize("code", VALID)
def test_any_single_changed_character_fails(code):
    for i, original in enumerate(code):
        for replacement in ALPHABET + "IOSVZ":
            if replacement == original:
                continue
            changed = code[:i] + replacement + code[i + 1 :]
            assert not is_valid_uscc(changed), (i, changed)


@given(st.sampled_from(VALID), st.integers(min_value=0, max_value=17))
def test_lower_case_is_refused(code, i):
    lowered = code[:i] + code[i].lower() + code[i + 1 :]
    if lowered != code:
        assert not is_valid_uscc(lowered)


def test_wrong_length_is_refused_with_the_length_named():
    assert uscc_error(VALID[0][:17]) == "应为18位,实际为17位"
    assert "19" in uscc_error(VALID[0] + "1")
    assert not is_valid_uscc("")


def test_reason_names_the_offending_character():
    assert "“I”" in uscc_error("I1350100MA2XN0JB1X")
