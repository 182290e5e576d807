import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.intake.layout import find_layout
from zhaoshang.intake.values import Amount, parse_amount, parse_date, parse_stage

YI = (Decimal(10000), "CNY")
WAN = (Decimal(1), "CNY")


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        ("约3亿元", WAN, Amount(Decimal(30000), "CNY", True)),
        ("5000万元", YI, Amount(Decimal(5000), "CNY")),  # a cell's own unit wins
        (5.5, YI, Amount(Decimal(55000), "CNY")),
        (12345.6, WAN, Amount(Decimal("12345.6"), "CNY")),
        ("1,200", WAN, Amount(Decimal(1200), "CNY")),
        ("超10亿", WAN, Amount(Decimal(100000), "CNY", True)),
        ("三亿元", WAN, Amount(Decimal(30000), "CNY")),
        ("８０００万", YI, Amount(Decimal(8000), "CNY")),
        ("2000万美元", WAN, Amount(Decimal(2000), "USD")),
    ],
)
def test_amounts_as_offices_write_them(cell, unit, expected):
    assert parse_amount(cell, unit=unit) == expected


@pytest.mark.parametrize("cell", ["待定", "", None, "—", "  "])
def test_no_amount_is_not_zero(cell):
    assert parse_amount(cell, unit=YI) is None


def test_bad_amounts_say_why():
    with pytest.raises(ValueError, match="不能为负数"):
        parse_amount("-5", unit=YI)
    with pytest.raises(ValueError, match="不是金额"):
        parse_amount("很多钱", unit=YI)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2022, 1, 27), (dt.date(2022, 1, 27), False)),
        (dt.datetime(2022, 1, 27, 9, 30), (dt.date(2022, 1, 27), False)),
        (44588.0, (dt.date(2022, 1, 27), False)),
        ("2022.1.27", (dt.date(2022, 1, 27), False)),
        ("2022/02/08", (dt.date(2022, 2, 8), False)),
        ("2022-01-05", (dt.date(2022, 1, 5), False)),
        ("2022年1月27日", (dt.date(2022, 1, 27), False)),
        ("2022年2月", (dt.date(2022, 2, 1), False)),
        ("2月5日", (dt.date(2022, 2, 5), True)),
    ],
)
def test_dates_as_offices_write_them(cell, expected):
    assert parse_date(cell, default_year=2022) == expected


def test_a_date_without_year_and_no_as_of_is_an_error():
    with pytest.raises(ValueError, match="没有年份"):
        parse_date("2月5日", default_year=None)
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_date("2022年2月30日", default_year=None)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("洽谈中", ("negotiating", "")),
        ("签约(合同)", ("signed", "contract")),
        ("签约（协议）", ("signed", "framework")),
        ("已注册", ("landed", "")),
        ("动建", ("construction", "")),
        ("竣工", ("operating", "")),
        ("已终止", ("dropped", "")),
        ("已签约", ("signed", "")),
    ],
)
def test_stage_words(cell, expected):
    assert parse_stage(cell) == expected


def test_unknown_stage_is_an_error():
    with pytest.raises(ValueError, match="无法识别的阶段"):
        parse_stage("看情况")


def test_layout_below_title_lines():
    rows = [
        ["福州市2022年一季度重点项目推进情况表", "", ""],
        ["填报单位:长乐区", "", ""],
        ["单位:亿元、万美元", "", "截至2022年3月31日"],
        ["序号", "项目名称", "总投资(万元)", "合同外资", "所在地", "项目进展"],
    ]
    layout = find_layout(rows)
    assert layout.header_row == 3 and layout.as_of == dt.date(2022, 3, 31)
    assert layout.filler == "长乐区"
    assert layout.columns == {
        1: "name",
        2: "total_investment",
        3: "contracted_foreign",
        4: "place",
        5: "stage",
    }
    assert layout.units[2] == (Decimal(1), "CNY")  # the header's own unit
    assert layout.units[3] == (Decimal(1), "USD")  # 万美元 from the 单位 line
