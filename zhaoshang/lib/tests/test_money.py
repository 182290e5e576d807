from decimal import Decimal

from zhaoshang.lib.money import format_yi, plain


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
