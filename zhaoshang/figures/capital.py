"""Capital arrived (实际到资, CNY) and foreign capital utilised (实际利用外资, USD).

Each arrival carries the conversion made when it was recorded (CapitalArrival: its rate,
万元 and 万美元, rounded half-up to one yuan/dollar); figures sum those exactly in the
database and never read the rate table, so a corrected rate moves no reported figure
(DESIGN §7). Only arrivals in effect count: a figure as of D is the rows in effect now
with arrived_on ≤ D. An arrival left without a conversion (recorded before its month had
a rate, from before conversions were kept) is an error naming the month, not a zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from zhaoshang.figures.pipeline import exact_sum
from zhaoshang.figures.tally import ZERO, from_scaled
from zhaoshang.lib.money import plain
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


def capital_figures(*, projects: ProjectQuerySet, start: date, end: date) -> CapitalFigures:
    """Capital of the counted projects (umbrellas out, see ProjectQuerySet.counted) arrived
    in [start, end]: the arrivals in effect, summed at the conversion each keeps."""
    # From the projects joined to their arrivals in the period (one filter() call: one
    # join), so both databases can start from the few arrivals of the period.
    joined = projects.counted().filter(
        arrivals__arrived_on__gte=start, arrivals__arrived_on__lte=end, arrivals__in_effect=True
    )
    foreign = Q(arrivals__is_foreign=True)
    unconverted = Q(arrivals__cny_wan__isnull=True) | (foreign & Q(arrivals__usd_wan__isnull=True))
    totals = joined.order_by().aggregate(
        cny=exact_sum("arrivals__cny_wan"),
        usd=exact_sum("arrivals__usd_wan", filter=foreign),
        n=Count("arrivals"),
        missing=Count("arrivals", filter=unconverted),
    )
    if totals["missing"]:
        days = joined.filter(unconverted).values_list("arrivals__arrived_on", flat=True)
        raise MissingRateError(sorted({d.replace(day=1) for d in days}))
    return CapitalFigures(
        arrived_cny_wan=from_scaled(totals["cny"]),
        foreign_usd_wan=from_scaled(totals["usd"]),
        arrivals=totals["n"],
    )
