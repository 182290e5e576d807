"""Target completion against 序时进度 (DESIGN §3): completion = actual ÷ target; the
elapsed share is the days of the period passed by today ÷ its days (day 45 of a 90-day
quarter: 50 %). The light is green when completion ≥ elapsed share, yellow when it is at
least TARGET_YELLOW_SHARE (settings, default 0.8) of it, red below. Comparisons are exact
(cross-multiplied integers and Decimals); percentages are rounded for display only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from zhaoshang.figures.measures import MEASURES, Actuals
from zhaoshang.figures.periods import Period, elapsed_days, total_days
from zhaoshang.targets.models import Target

GREEN, YELLOW, RED = "green", "yellow", "red"
LIGHT_LABELS = {GREEN: "达到序时进度", YELLOW: "略低于序时进度", RED: "明显落后"}


def _pct(num: Decimal, den: Decimal) -> Decimal | None:
    if not den:
        return None
    return (num * 100 / den).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Progress:
    target: Target
    actual: Decimal
    elapsed: int
    total: int

    @property
    def completion_pct(self) -> Decimal | None:
        return _pct(self.actual, self.target.value)

    @property
    def elapsed_pct(self) -> Decimal:
        return _pct(Decimal(self.elapsed), Decimal(self.total)) or Decimal(0)

    @property
    def light(self) -> str:
        return light(self.actual, self.target.value, self.elapsed, self.total)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def measure(self) -> Any:
        return MEASURES[self.target.measure]


def light(actual: Decimal, target: Decimal, elapsed: int, total: int) -> str:
    """actual/target against elapsed/total, without rounding."""
    yellow_share = Decimal(str(getattr(settings, "TARGET_YELLOW_SHARE", "0.8")))
    if target == 0:
        return GREEN
    done = actual * total  # completion × total × target
    due = target * elapsed  # elapsed share × total × target
    if done >= due:
        return GREEN
    if done >= due * yellow_share:
        return YELLOW
    return RED


def progress_of(
    targets: list[Target], *, user: Any, today: dt.date, actuals: dict[Any, Actuals] | None = None
) -> list[Progress]:
    """Each target with its actual as `user` sees it; one `Actuals` per unit and period."""
    cache = actuals if actuals is not None else {}
    out = []
    for t in targets:
        key = (t.unit_id, t.start, t.end)
        if key not in cache:
            cache[key] = Actuals(user=user, unit=t.unit, start=t.start, end=t.end, today=today)
        period = Period(t.period_kind, t.start, t.end)
        out.append(Progress(t, cache[key].value(t.measure), elapsed_days(period, today),
                            total_days(period)))  # fmt: skip
    return out
