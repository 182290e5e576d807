"""Periods people report on: a month, a quarter, a year, or custom dates. Django-free."""

from __future__ import annotations

import calendar
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
