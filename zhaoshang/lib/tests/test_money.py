from decimal import Decimal

from zhaoshang.lib.money import Derived, format_total, format_yi, plain, show


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


def test_a_derived_amount_shows_two_decimals_a_recorded_one_its_digits():
    """DESIGN §7: 实际到资 13844.395万元 (a sum) is "1.38亿元"; 618万 a sum is "618.00亿元"
    beside "557.17亿元"; a project entered as 23800万元 is "2.38亿元", 12345.6789 as entered."""
    assert format_total(Decimal("13844.395")) == "1.38亿元"
    assert format_total(Decimal("6180000")) == "618.00亿元"
    assert format_total(Decimal("5571700")) == "557.17亿元"
    assert format_total(Decimal("9500.5"), "亿美元") == "0.95亿美元"
    assert format_total(Decimal("125")) == "0.01亿元"  # half up
    assert format_total(None) == "—"
    assert format_yi(Decimal("23800")) == "2.38亿元"
    assert format_yi(Decimal("12345.6789")) == "1.23456789亿元"
    # a table cell: a derived sum exact for the export, two decimals on the page
    cell = Derived("12.01405")
    assert (
        cell == Decimal("12.01405")
        and show(cell) == "12.01"
        and show(Decimal("7.6901")) == "7.6901"
    )
