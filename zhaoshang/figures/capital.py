"""Capital arrived (实际到资, CNY) and foreign capital utilised (实际利用外资, USD).

Arrivals are summed exactly per currency and month in the database; each month's sum is
converted with that month's rate (CNY per USD) and rounded half-up to one yuan/dollar
(4 decimals of 万). A month without a rate is an error, not a silent zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from zhaoshang.figures.pipeline import exact_sum
from zhaoshang.figures.tally import ZERO, from_scaled
from zhaoshang.lib.money import WAN_QUANTUM, plain
from zhaoshang.projects.models import Currency, FxRate
from zhaoshang.projects.querysets import ProjectQuerySet


class MissingRateError(LookupError):
    def __init__(self, months: list[date]) -> None:
        self.months = months
        listed = "、".join(f"{m.year}年{m.month}月" for m in months)
        super().__init__(f"缺少{listed}的美元汇率,请先在“汇率”中登记")


@dataclass(frozen=True)
class CapitalFigures:
    arrived_cny_wan: Decimal = ZERO  # every arrival, in 万元
    foreign_usd_wan: Decimal = ZERO  # foreign arrivals only, in 万美元
    arrivals: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "arrived_cny_wan": plain(self.arrived_cny_wan),
            "foreign_usd_wan": plain(self.foreign_usd_wan),
            "arrivals": self.arrivals,
        }


def _convert(amount: Decimal, rate: Decimal, to: str) -> Decimal:
    value = amount * rate if to == Currency.CNY else amount / rate
    return value.quantize(WAN_QUANTUM, rounding=ROUND_HALF_UP)


def capital_figures(*, projects: ProjectQuerySet, start: date, end: date) -> CapitalFigures:
    # From the projects joined to their arrivals in the period (one filter() call: one
    # join), so both databases can start from the few arrivals of the period.
    rows = (
        projects.filter(arrivals__arrived_on__gte=start, arrivals__arrived_on__lte=end)
        .order_by()
        .values("arrivals__arrived_on", "arrivals__currency", "arrivals__is_foreign")
        .annotate(scaled=exact_sum("arrivals__amount"), n=Count("arrivals"))
    )
    by_day = [
        {"arrived_on": r["arrivals__arrived_on"], "currency": r["arrivals__currency"],
         "is_foreign": r["arrivals__is_foreign"], "scaled": r["scaled"], "n": r["n"]}
        for r in rows
    ]  # fmt: skip
    # Folded into months here: grouping by day keeps date functions out of the SQL.
    months: dict[tuple[date, str, bool], list[int]] = {}
    for r in by_day:
        acc = months.setdefault((r["arrived_on"].replace(day=1), r["currency"], r["is_foreign"]),
                                [0, 0])  # fmt: skip
        acc[0] += r["scaled"] or 0
        acc[1] += r["n"]
    needing_rate = {
        month
        for month, currency, foreign in months
        if currency == Currency.USD or (foreign and currency == Currency.CNY)
    }
    rates = dict(FxRate.objects.filter(month__in=needing_rate).values_list("month", "cny_per_usd"))
    missing = sorted(needing_rate - set(rates))
    if missing:
        raise MissingRateError(missing)
    cny = usd = ZERO
    count = 0
    for (month, currency, foreign), (scaled, n) in months.items():
        amount = from_scaled(scaled)
        count += n
        if currency == Currency.CNY:
            cny += amount
            if foreign:
                usd += _convert(amount, rates[month], Currency.USD)
        else:
            cny += _convert(amount, rates[month], Currency.CNY)
            if foreign:
                usd += amount
    return CapitalFigures(arrived_cny_wan=cny, foreign_usd_wan=usd, arrivals=count)
