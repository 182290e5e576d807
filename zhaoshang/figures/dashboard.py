"""Everything the 驾驶舱 shows for a scope and a period, each figure with the link to the
projects behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from zhaoshang.figures.breakdowns import Row, snapshot_by_child_unit
from zhaoshang.figures.capital import CapitalFigures, MissingRateError, capital_figures
from zhaoshang.figures.periods import Period
from zhaoshang.figures.pipeline import pipeline_flows
from zhaoshang.figures.tally import (
    BUCKET_LABELS,
    BUCKETS,
    FLOW_STAGES,
    Snapshot,
    Tally,
)
from zhaoshang.lib.money import derived_yi, plain, wan_to_yi
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.projects.querysets import ProjectQuerySet
from zhaoshang.projects.stages import Stage

FLOW_LABELS = {"signed": "签约", "landed": "落地", "construction": "开工", "operating": "投产"}


def list_url(**params: Any) -> str:
    return reverse("project_list") + "?" + urlencode({k: v for k, v in params.items() if v})


@dataclass
class Dashboard:
    scope: Unit
    period: Period
    as_of: date
    snapshot: Snapshot
    by_unit: list[Row]
    flows: dict[str, Tally]
    capital: CapitalFigures | None
    capital_error: str = ""
    trend: dict[str, list[int]] = field(default_factory=dict)
    top: list[Any] = field(default_factory=list)

    @property
    def unit_param(self) -> str | None:
        """The list's unit filter for this scope; a department's projects are those it is
        responsible for (its own visibility), not ones owned under it."""
        return None if self.scope.kind == UnitKind.DEPARTMENT else self.scope.code

    def link_bucket(self, bucket: str, unit: str | None = None) -> str:
        return list_url(unit=unit or self.unit_param, as_of=self.as_of.isoformat(), bucket=bucket)

    def link_flow(self, stage: str, start: date | None = None, end: date | None = None) -> str:
        return list_url(unit=self.unit_param, reached=stage,
                        period_from=(start or self.period.start).isoformat(),
                        period_to=(end or self.period.end).isoformat())  # fmt: skip

    def link_capital(self, foreign: bool = False) -> str:
        return list_url(unit=self.unit_param, arrival_from=self.period.start.isoformat(),
                        arrival_to=self.period.end.isoformat(),
                        arrival_foreign="true" if foreign else "")  # fmt: skip

    @property
    def link_foreign_capital(self) -> str:
        return self.link_capital(foreign=True)

    # ── what the template shows ────────────────────────────────────────────────
    def bucket_cards(self) -> list[dict[str, Any]]:
        cards = [
            {"label": "项目总数", "tally": self.snapshot.total, "url": self.link_bucket("total")}
        ]
        for b in BUCKETS:
            cards.append({"label": BUCKET_LABELS[b], "tally": self.snapshot.bucket(b),
                          "url": self.link_bucket(b)})  # fmt: skip
        return cards

    def flow_cards(self) -> list[dict[str, Any]]:
        return [{"label": f"{FLOW_LABELS[s]}项目", "tally": self.flows[s], "url": self.link_flow(s)}
                for s in FLOW_STAGES]  # fmt: skip

    def charts(self) -> dict[str, Any]:
        return {
            "funnel": self._funnel(),
            "trend": self._trend(),
            "ranking": self._ranking(),
            "top": self._top(),
        }

    def _funnel(self) -> list[dict[str, Any]]:
        s = self.snapshot
        steps = [("对接项目", s.total, "total"),
                 ("已签约(含落地)", s.bucket("signed") + s.bucket("landed"), "signed_up"),
                 ("落地", s.bucket("landed"), "landed")]  # fmt: skip
        return [{"name": n, "value": t.count, "yi": str(derived_yi(t.amount_wan)),
                 "link": self.link_bucket(b)} for n, t, b in steps]  # fmt: skip

    def _trend(self) -> dict[str, Any]:
        year = self.period.end.year
        series = []
        for label, y in ((f"{year}年", year), (f"{year - 1}年", year - 1)):
            data = [{"value": n, "link": self.link_flow("signed", date(y, m, 1), _month_end(y, m))}
                    for m, n in enumerate(self.trend.get(str(y), [0] * 12), start=1)]  # fmt: skip
            series.append({"name": label, "data": data})
        return {"months": [f"{m}月" for m in range(1, 13)], "series": series, "stage": "签约"}

    def _ranking(self) -> list[dict[str, Any]]:
        rows = sorted(self.by_unit, key=lambda r: r.snapshot.total.amount_wan if r.snapshot else 0)
        return [{"name": r.label, "value": str(derived_yi(r.snapshot.total.amount_wan)),
                 "count": r.snapshot.total.count, "link": self.link_bucket("total", r.key)}
                for r in rows if r.snapshot]  # fmt: skip

    def _top(self) -> list[dict[str, Any]]:
        return [{"name": p.name, "value": plain(wan_to_yi(p.total_investment)),
                 "link": reverse("project_detail", args=[p.code])}
                for p in reversed(self.top)]  # fmt: skip


def _month_end(year: int, month: int) -> date:
    import calendar

    return date(year, month, calendar.monthrange(year, month)[1])


def monthly_reached(
    projects: ProjectQuerySet, stage: str, years: list[int]
) -> dict[str, list[int]]:
    """How many projects reached `stage` in each month of each year: one indexed range
    query grouped by day, folded into months here (no per-row date functions in SQL)."""
    column = f"{stage}_on"
    rows = (
        projects.counted().filter(**{f"{column}__gte": date(min(years), 1, 1),
                           f"{column}__lte": date(max(years), 12, 31)})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
    )  # fmt: skip
    counts = {str(y): [0] * 12 for y in years}
    for row in rows:
        day = row[column]
        counts[str(day.year)][day.month - 1] += row["n"]
    return counts


def largest_projects(projects: ProjectQuerySet, as_of: date, n: int = 10) -> list[Any]:
    """The `n` largest projects in the pipeline on `as_of`. The largest few hundred entered
    by then are read by the amount index first and only those are checked against their
    history; the full query runs only if too few of them were live on that day."""
    candidates = projects.counted().filter(entered_on__lte=as_of, total_investment__isnull=False)
    fields = ("code", "name", "total_investment")
    # Ordered by the amount alone, so both databases read it off the amount index.
    pool = list(candidates.order_by("-total_investment").values_list("pk", flat=True)[: n * 20])
    by_amount = candidates.order_by("-total_investment", "code")
    live = list(by_amount.filter(pk__in=pool).live_on(as_of).only(*fields)[:n])
    if len(live) < n and len(pool) == n * 20:
        live = list(by_amount.live_on(as_of).only(*fields)[:n])
    return live


def dashboard_build(*, projects: ProjectQuerySet, scope: Unit, period: Period) -> Dashboard:
    today = timezone.localdate()
    as_of = min(period.end, today)
    snapshot, by_unit = snapshot_by_child_unit(projects=projects, as_of=as_of, parent=scope)
    try:
        capital, error = capital_figures(projects=projects, start=period.start, end=period.end), ""
    except MissingRateError as exc:
        capital, error = None, str(exc)
    year = period.end.year
    top = largest_projects(projects, as_of)
    return Dashboard(
        scope=scope, period=period, as_of=as_of,
        snapshot=snapshot, by_unit=by_unit,
        flows=pipeline_flows(projects=projects, start=period.start, end=period.end),
        capital=capital, capital_error=error,
        trend=monthly_reached(projects, Stage.SIGNED, [year - 1, year]),
        top=top,
    )  # fmt: skip
