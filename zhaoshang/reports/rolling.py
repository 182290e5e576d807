"""The rolling review lists offices go through every week: 已签约未落地 (signed, not yet
landed, with the days since signing and who is responsible) and 可望到资 (projects whose
next capital arrival is expected in a chosen quarter, by unit)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from zhaoshang.figures.periods import Period
from zhaoshang.lib.money import Derived, wan_to_yi
from zhaoshang.projects.stages import Stage
from zhaoshang.reports.tables import Table


def signed_not_landed(projects: Any, today: dt.date) -> list[Any]:
    rows = list(
        projects.counted()
        .filter(stage=Stage.SIGNED)
        .select_related("unit", "responsible_unit", "investor")
        .order_by("signed_on", "code")
    )
    for p in rows:
        p.days_signed = (today - p.signed_on).days if p.signed_on else None
    return rows


def signed_not_landed_table(projects: Any, today: dt.date, title: str) -> Table:
    table = Table(
        key="signed_not_landed",
        title=title,
        first="项目",
        groups=["已签约未落地"],
        sub=["编号", "单位", "责任单位", "签约日期", "已签约天数", "总投资"],
    )
    total = Decimal(0)
    for p in signed_not_landed(projects, today):
        table.rows.append(
            (
                p.name,
                [
                    p.code,
                    p.unit.name,
                    str(p.responsible_unit or ""),
                    p.signed_on.isoformat() if p.signed_on else "",
                    p.days_signed,
                    wan_to_yi(p.total_investment or Decimal(0)),
                ],
                None,
            )
        )
        total += p.total_investment or 0
    table.total = ["", "", "", "", len(table.rows), Derived(wan_to_yi(total))]
    return table


def expected_arrivals(projects: Any, period: Period) -> list[tuple[Any, list[Any], Decimal]]:
    """(unit, projects, subtotal in 万元) for the projects expecting capital in the period."""
    found = (
        projects.counted()
        .filter(expected_arrival_on__range=(period.start, period.end))
        .select_related("unit")
        .order_by("unit__path", "expected_arrival_on", "code")
    )
    groups: dict[Any, list[Any]] = defaultdict(list)
    for p in found:
        groups[p.unit].append(p)
    return [
        (unit, ps, sum((p.expected_arrival_amount or Decimal(0) for p in ps), Decimal(0)))
        for unit, ps in groups.items()
    ]


def expected_arrivals_table(projects: Any, period: Period, title: str) -> Table:
    table = Table(
        key="expected",
        title=title,
        first="项目",
        groups=["可望到资"],
        sub=["编号", "单位", "预计到资日期", "预计到资金额"],
    )
    total = Decimal(0)
    for unit, ps, subtotal in expected_arrivals(projects, period):
        for p in ps:
            table.rows.append(
                (
                    p.name,
                    [
                        p.code,
                        unit.name,
                        p.expected_arrival_on.isoformat(),
                        wan_to_yi(p.expected_arrival_amount or Decimal(0)),
                    ],
                    None,
                )
            )
        table.rows.append((f"{unit.name}小计", ["", "", "", Derived(wan_to_yi(subtotal))], None))
        total += subtotal
    table.total = ["", "", "", Derived(wan_to_yi(total))]
    return table
