"""The figures a target or an assessment indicator can be set on, by code. The list is
open: a new figure is one entry here (its label, unit, how to read it off `Actuals`).

`Actuals` computes, for one unit (with everything under it) and one period up to `today`
(never past it), what a user may see of the counted projects (umbrellas out, DESIGN §7),
each underlying query once however many figures are asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone

from zhaoshang.figures.capital import CapitalFigures, capital_figures
from zhaoshang.figures.pipeline import pipeline_flows, reached_in
from zhaoshang.figures.tally import Tally
from zhaoshang.org import access
from zhaoshang.org.models import Unit
from zhaoshang.projects.models import Project


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: str  # how the value is shown: 个, 万元, 万美元, 次, 家, 场
    read: Callable[[Actuals], Decimal]
    stage: str | None = None  # a count of projects reaching this stage (tiers apply)

    @property
    def is_money(self) -> bool:
        return self.unit in ("万元", "万美元")


class Actuals:
    def __init__(self, *, user: Any, unit: Unit, start: dt.date, end: dt.date,
                 today: dt.date | None = None) -> None:  # fmt: skip
        self.today = today or timezone.localdate()
        # A figure as of `today` (a back-dated briefing, a run as of a date) stops there,
        # whatever the period's end: nothing after it has happened yet.
        self.user, self.unit, self.start = access.reader(user), unit, start
        self.end = min(end, self.today)

    @cached_property
    def projects(self) -> Any:
        return Project.objects.visible_under(self.user, self.unit).counted()

    @cached_property
    def flows(self) -> dict[str, Tally]:
        return pipeline_flows(projects=self.projects, start=self.start, end=self.end)

    @cached_property
    def capital(self) -> CapitalFigures:
        return capital_figures(projects=self.projects, start=self.start, end=self.end)

    @cached_property
    def work(self) -> Any:
        from zhaoshang.fieldwork.figures import fieldwork_figures
        from zhaoshang.figures.periods import Period

        period = Period("custom", self.start, self.end)
        return fieldwork_figures(user=self.user, scope=self.unit, period=period, today=self.today)

    def value(self, code: str) -> Decimal:
        return MEASURES[code].read(self)

    def amounts_reached(self, stage: str) -> list[Decimal | None]:
        """The total investment of each project that reached `stage` in the period (tiers)."""
        qs = reached_in(self.projects, stage, self.start, self.end)
        return list(qs.values_list("total_investment", flat=True))


def _count(stage: str) -> Callable[[Actuals], Decimal]:
    return lambda a: Decimal(a.flows[stage].count)


def _amount(stage: str) -> Callable[[Actuals], Decimal]:
    return lambda a: a.flows[stage].amount_wan


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in [
        Measure("signed_count", "签约项目数", "个", _count("signed"), "signed"),
        Measure("signed_amount", "签约总投资", "万元", _amount("signed")),
        Measure("landed_count", "落地项目数", "个", _count("landed"), "landed"),
        Measure("landed_amount", "落地总投资", "万元", _amount("landed")),
        Measure("construction_count", "开工项目数", "个", _count("construction"), "construction"),
        Measure("capital_cny", "实际到资", "万元", lambda a: a.capital.arrived_cny_wan),
        Measure("foreign_usd", "实际利用外资", "万美元", lambda a: a.capital.foreign_usd_wan),
        Measure("trips", "外出招商", "次", lambda a: Decimal(a.work.trips)),
        Measure("companies_visited", "拜访企业", "家", lambda a: Decimal(a.work.companies_visited)),
        Measure("events", "举办活动", "场", lambda a: Decimal(a.work.events)),
    ]
}
