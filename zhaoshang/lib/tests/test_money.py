from decimal import Decimal

import pytest

from zhaoshang.lib.money import AmountError, format_yi, plain, to_wan


def test_yi_keeps_the_precision_of_the_input():
    assert format_yi(Decimal("7690100")) == "769.01亿元"
    assert format_yi(Decimal("7562000.0000")) == "756.2亿元"
    assert format_yi(Decimal("19476000")) == "1947.6亿元"
    assert format_yi(Decimal("30000")) == "3亿元"
    assert format_yi(Decimal("0.5")) == "0.00005亿元"
    assert format_yi(None) == "—"


def test_plain_has_no_exponent():
    assert plain(Decimal("19476000")) == "19476000"
    assert plain(Decimal("1E+7")) == "10000000"
    assert plain(Decimal("0.0000")) == "0"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-5", "不能为负数"),
        ("约3亿", "不是数字"),
        ("1.23456", "最多保留4位小数"),
        ("NaN", "不是数字"),
    ],
)
def test_bad_amounts_are_refused_in_chinese(raw, reason):
    with pytest.raises(AmountError, match=reason):
        to_wan(raw, field="总投资")


def test_floats_are_not_money():
    with pytest.raises(AmountError, match="浮点数"):
        to_wan(0.1)
    assert to_wan("1,200.5") == Decimal("1200.5")
