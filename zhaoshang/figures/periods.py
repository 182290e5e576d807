"""Periods people report on: a month, a quarter, a year, or custom dates. Django-free."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | custom
    start: date
    end: date

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.kind == "year":
            return f"{s.year}年"
        if self.kind == "quarter":
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        return f"{s:%Y-%m-%d} 至 {e:%Y-%m-%d}"

    def elapsed_share(self, today: date) -> float:
        """序时进度: the share of the period that has passed (for display only)."""
        total = (self.end - self.start).days + 1
        done = min(max((today - self.start).days + 1, 0), total)
        return done / total

    def last_year(self) -> Period:
        return Period(self.kind, _shift_year(self.start), _shift_year(self.end))


def _shift_year(d: date) -> date:
    day = min(d.day, calendar.monthrange(d.year - 1, d.month)[1])
    return d.replace(year=d.year - 1, day=day)


def _int(params: Any, key: str, default: int, low: int, high: int) -> int:
    try:
        value = int(params.get(key) or default)
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def _date(params: Any, key: str) -> date | None:
    try:
        return date.fromisoformat(params.get(key) or "")
    except ValueError:
        return None


def period_from_params(params: Any, today: date) -> Period:
    """?period=month|quarter|year|custom with year, month, quarter or start/end; anything
    missing or malformed falls back to this year (an unreadable choice is not an error
    page on a dashboard)."""
    kind = params.get("period") or "year"
    year = _int(params, "year", today.year, 1990, today.year + 1)
    if kind == "month":
        month = _int(params, "month", today.month, 1, 12)
        return Period("month", date(year, month, 1),
                      date(year, month, calendar.monthrange(year, month)[1]))  # fmt: skip
    if kind == "quarter":
        q = _int(params, "quarter", (today.month - 1) // 3 + 1, 1, 4)
        start = date(year, 3 * q - 2, 1)
        end = date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        return Period("quarter", start, end)
    if kind == "custom":
        first, last = _date(params, "start"), _date(params, "end")
        if first and last and first <= last:
            return Period("custom", first, last)
    return Period("year", date(year, 1, 1), date(year, 12, 31))


_YEAR = re.compile(r"^(\d{4})(?:年)?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:Q|q|年第|年)\s*([0-9一二三四五六七八九])\s*(?:季度)?$")
_MONTH_SPEC = re.compile(r"^(\d{4})\s*[-年/.]\s*(\d{1,2})\s*月?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|至|~|—)\s*(\d{4}-\d{2}-\d{2})$")
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def period_parse(text: str) -> Period:
    """ "2017" / "2017年", "2017Q2" / "2017年第二季度", "2017-03" / "2017年3月",
    "2017-01-01..2017-05-18" → a Period. A period that does not exist (a fifth quarter,
    a 13th month, an end before its start) is refused with the reason, in Chinese."""
    spec = text.strip()
    if m := _YEAR.match(spec):
        year = int(m.group(1))
        return Period("year", date(year, 1, 1), date(year, 12, 31))
    if m := _QUARTER.match(spec):
        year, q = int(m.group(1)), _CN_DIGIT.get(m.group(2)) or int(m.group(2))
        if not 1 <= q <= 4:
            raise ValueError(f"期间“{text}”不存在:季度只有第1至第4季度")
        end_month = 3 * q
        return Period("quarter", date(year, end_month - 2, 1),
                      date(year, end_month, calendar.monthrange(year, end_month)[1]))  # fmt: skip
    if m := _MONTH_SPEC.match(spec):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"期间“{text}”不存在:月份只有1至12月")
        return Period("month", date(year, month, 1),
                      date(year, month, calendar.monthrange(year, month)[1]))  # fmt: skip
    if m := _RANGE.match(spec):
        try:
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError:
            raise ValueError(f"期间“{text}”不存在:日期无效") from None
        if end < start:
            raise ValueError(f"期间“{text}”不存在:结束日期早于开始日期")
        return Period("custom", start, end)
    raise ValueError(f"无法识别期间“{text}”,请写作 2017、2017Q2、2017-03 或 2017-01-01..2017-05-18")


def period_spec(period: Period) -> str:
    """The inverse of `period_parse`: "2017", "2017Q2", "2017-03", "2017-01-01..2017-05-18"."""
    s = period.start
    if period.kind == "year":
        return f"{s.year}"
    if period.kind == "quarter":
        return f"{s.year}Q{(s.month - 1) // 3 + 1}"
    if period.kind == "month":
        return f"{s.year}-{s.month:02d}"
    return f"{s.isoformat()}..{period.end.isoformat()}"


def elapsed_days(period: Period, today: date) -> int:
    """Days of the period passed by the end of `today` (0 before it starts)."""
    total = (period.end - period.start).days + 1
    return min(max((today - period.start).days + 1, 0), total)


def total_days(period: Period) -> int:
    return (period.end - period.start).days + 1
