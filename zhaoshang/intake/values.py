"""Reading the values offices type into sheets: amounts, dates, stages. Django-free.

Every parser returns a value or raises ValueError with the reason in Chinese; the
importer adds the row and the column."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

EMPTY = {"", "-", "—", "——", "/", "无", "待定", "不详", "暂无", "未定", "n/a", "N/A"}
APPROX = ("大约", "超过", "约", "超", "近", "逾", "余", "左右", "以上")
# Multipliers into 万 of the currency.
UNITS = [
    ("亿美元", Decimal(10000), "USD"), ("万美元", Decimal(1), "USD"),
    ("美元", Decimal("0.0001"), "USD"),
    ("亿元", Decimal(10000), "CNY"), ("万元", Decimal(1), "CNY"), ("元", Decimal("0.0001"), "CNY"),
    ("亿", Decimal(10000), None), ("万", Decimal(1), None),
]  # fmt: skip
HEADER_UNITS = {"亿元": (Decimal(10000), "CNY"), "万元": (Decimal(1), "CNY"),
                "亿美元": (Decimal(10000), "USD"), "万美元": (Decimal(1), "USD"),
                "元": (Decimal("0.0001"), "CNY")}  # fmt: skip


@dataclass(frozen=True)
class Amount:
    wan: Decimal  # in 万 of `currency`
    currency: str
    approx: bool = False


def _text(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _decimal(number: object) -> Decimal:
    """A cell's number as typed: calamine gives floats; their shortest repr is what was typed."""
    if isinstance(number, float):
        return Decimal(repr(number))
    return Decimal(str(number))


# A sheet repeats its values (a few hundred dates, places and stages in 100,000 rows): the
# parsers are pure, so their answers are kept for the values seen last. `typed`: 1, 1.0
# and True are different cells.
remembered = functools.lru_cache(maxsize=8192, typed=True)


@remembered
def parse_amount(value: object, *, unit: tuple[Decimal, str]) -> Amount | None:
    """ "约3亿元", "5000万元" (in a 亿元 column: 0.5亿元), 12.5, "三亿元", "待定" → None.

    A unit written in the cell wins over the column's; "约/超/近/逾" mark it approximate."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        amount = _decimal(value) * unit[0]
        return _checked(Amount(amount, unit[1]))
    text = _text(value).replace(",", "").replace(" ", "")
    if text in EMPTY:
        return None
    approx = False
    for word in APPROX:
        if text.startswith(word) or text.endswith(word):
            approx = True
            text = text.removeprefix(word).removesuffix(word)
    factor, currency = unit
    for suffix, mult, cur in UNITS:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            factor, currency = mult, cur or unit[1]
            break
    try:
        number = Decimal(text)
    except InvalidOperation:
        try:
            number = Decimal(str(cn2an.cn2an(text, "smart")))
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"“{value}”不是金额") from None
    return _checked(Amount(number * factor, currency, approx))


def _checked(amount: Amount) -> Amount:
    if amount.wan < 0:
        raise ValueError("金额不能为负数")
    return Amount(
        amount.wan.normalize() if amount.wan else Decimal(0), amount.currency, amount.approx
    )


_FULL = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


# How a reader gives an import its 截至日期 (the rule's reasons name it, for where they are
# read): the command line's option, or the import page's own field.
AS_OF_CLI = "用 --as-of 指定截至日期"
AS_OF_WEB = "在本页“截至日期”一栏填写后重新预览"


@remembered
def parse_date(
    value: object, *, default_year: int | None, as_of_how: str = AS_OF_CLI
) -> tuple[dt.date | None, bool]:
    """A cell as a date, and whether its year had to be guessed.

    Excel dates and serial numbers, "2022.1.27", "2022/02/08", "2022-01-05",
    "2022年1月27日", "2022年2月" (the 1st), and "2月5日", whose year comes from the sheet's
    截至 date or the import's (`default_year`); without one it is an error, not a guess,
    whose reason tells how to give it (`as_of_how`, AS_OF_CLI or AS_OF_WEB)."""
    if value is None or value == "":
        return None, False
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, int | float) and 20000 <= value <= 80000:  # an Excel serial day
        return EXCEL_EPOCH + dt.timedelta(days=int(value)), False
    text = _text(value)
    if text in EMPTY:
        return None, False
    try:
        if m := _FULL.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), False
        if m := _MONTH.match(text):
            return dt.date(int(m[1]), int(m[2]), 1), False
        if m := _NO_YEAR.match(text):
            if default_year is None:
                raise ValueError(f"“{text}”没有年份:请{as_of_how},或在表头给出“截至”日期")
            return dt.date(default_year, int(m[1]), int(m[2])), True
    except ValueError as exc:
        if "没有年份" in str(exc):
            raise
        raise ValueError(f"“{text}”不是有效日期") from None
    raise ValueError(f"“{text}”不是可识别的日期")


STAGE_WORDS: list[tuple[str, str, str]] = [  # (words, stage, sign kind) — longest first
    ("签约(合同)", "signed", "contract"), ("签约(协议)", "signed", "framework"),
    ("签约(意向)", "signed", "intent"), ("签订合同", "signed", "contract"),
    ("已终止", "dropped", ""), ("终止", "dropped", ""),
    ("已投产", "operating", ""), ("投产", "operating", ""), ("竣工", "operating", ""),
    ("完工", "operating", ""), ("已开工", "construction", ""), ("开工", "construction", ""),
    ("动建", "construction", ""), ("在建", "construction", ""),
    ("已注册", "landed", ""), ("已落地", "landed", ""), ("落地", "landed", ""),
    ("注册", "landed", ""),
    ("已签约", "signed", ""), ("签约", "signed", ""),
    ("洽谈中", "negotiating", ""), ("对接中", "negotiating", ""), ("在谈", "negotiating", ""),
    ("洽谈", "negotiating", ""), ("对接", "negotiating", ""),
    ("线索", "lead", ""), ("储备", "lead", ""),
]  # fmt: skip


@remembered
def parse_stage(value: object) -> tuple[str, str] | None:
    """ "已签约" → ("signed", ""); "签约(合同)" → ("signed", "contract"); "" → None."""
    text = _text(value or "")
    if not text:
        return None
    for words, stage, kind in STAGE_WORDS:
        if words in text:
            return stage, kind
    raise ValueError(f"无法识别的阶段“{text}”(可用:线索、在谈、签约、落地、开工、投产、终止)")


TOTAL_ROW = re.compile(r"^(合计|小计|总计|共计)")
