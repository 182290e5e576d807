"""The standard tables an office keeps: unit × stage, chain × stage, channel × stage (the
pipeline as of a date), month × flow (a year), and the largest projects. Each is a
`Table` of exact Decimals (亿元 for CNY), rendered as a page and as Excel by `xlsx.py`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhaoshang.figures.breakdowns import snapshot_breakdown
from zhaoshang.figures.dashboard import largest_projects, list_url
from zhaoshang.figures.pipeline import pipeline_flows, pipeline_snapshot
from zhaoshang.figures.tally import Snapshot
from zhaoshang.lib.money import Derived, wan_to_yi
from zhaoshang.org.models import Unit

BUCKET_GROUPS = [
    ("total", "对接洽谈项目"),
    ("landed", "落地项目"),
    ("lead", "线索项目"),
    ("signed", "已签约项目"),
]
FLOW_GROUPS = [
    ("signed", "签约"),
    ("landed", "落地"),
    ("construction", "开工"),
    ("operating", "投产"),
]


@dataclass
class Table:
    key: str
    title: str
    first: str  # the heading of the first column
    groups: list[str]  # group headers, each over (个数, 总投资)
    sub: list[str] = field(default_factory=lambda: ["个数", "总投资"])
    rows: list[tuple[str, list[Any], str | None]] = field(
        default_factory=list
    )  # label, cells, link
    total: list[Any] | None = None
    note: str = "单位:亿元、万美元"


def _snapshot_cells(s: Snapshot) -> list[Any]:
    cells: list[Any] = []
    for bucket, _ in BUCKET_GROUPS:
        t = s.total if bucket == "total" else s.bucket(bucket)
        cells += [t.count, Derived(wan_to_yi(t.amount_wan))]
    return cells


def stage_table(*, projects: Any, scope: Unit, as_of: dt.date, dimension: str) -> Table:
    names = {
        "unit": ("各单位项目推进情况表", "单位"),
        "chain": ("各产业链项目推进情况表", "产业链"),
        "channel": ("各招商渠道项目推进情况表", "招商渠道"),
    }
    title, first = names[dimension]
    table = Table(
        key=f"{dimension}_stage",
        title=f"{scope.name}{title}",
        first=first,
        groups=[g for _, g in BUCKET_GROUPS],
    )
    rows = snapshot_breakdown(
        projects=projects,
        as_of=as_of,
        dimension=dimension,
        parent=scope if dimension == "unit" else None,
    )
    for row in rows:
        if row.snapshot is None:
            continue
        link = (
            list_url(unit=row.key, as_of=as_of.isoformat(), bucket="total")
            if (dimension == "unit")
            else None
        )
        table.rows.append((row.label, _snapshot_cells(row.snapshot), link))
    table.total = _snapshot_cells(pipeline_snapshot(projects=projects, as_of=as_of))
    return table


def month_flow_table(*, projects: Any, scope: Unit, year: int, today: dt.date) -> Table:
    table = Table(
        key="month_flow",
        title=f"{scope.name}{year}年各月项目进展表",
        first="月份",
        groups=[g for _, g in FLOW_GROUPS],
    )
    sums = [Decimal(0)] * (2 * len(FLOW_GROUPS))
    for month in range(1, 13):
        start = dt.date(year, month, 1)
        if start > today:
            break
        month_end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        end = min(month_end, today)  # a back-dated table stops at its date
        flows = pipeline_flows(projects=projects, start=start, end=end)
        cells: list[Any] = []
        for stage, _ in FLOW_GROUPS:
            cells += [flows[stage].count, Derived(wan_to_yi(flows[stage].amount_wan))]
        sums = [a + Decimal(b) for a, b in zip(sums, cells, strict=True)]
        table.rows.append((f"{month}月", cells, None))
    table.total = [int(v) if i % 2 == 0 else Derived(v) for i, v in enumerate(sums)]
    return table


def top_table(*, projects: Any, scope: Unit, as_of: dt.date, n: int = 20) -> Table:
    table = Table(
        key="top",
        title=f"{scope.name}重点项目(按总投资)",
        first="项目",
        groups=["项目信息"],
        sub=["编号", "单位", "阶段", "总投资"],
    )
    found = largest_projects(projects, as_of, n)
    with_units = {
        p.pk: p for p in projects.filter(pk__in=[p.pk for p in found]).select_related("unit")
    }
    for p in found:
        full = with_units[p.pk]
        table.rows.append(
            (
                p.name,
                [p.code, full.unit.name, full.get_stage_display(), wan_to_yi(p.total_investment)],
                None,
            )
        )
    return table


def standard_tables(*, projects: Any, scope: Unit, as_of: dt.date, today: dt.date) -> list[Table]:
    return [
        stage_table(projects=projects, scope=scope, as_of=as_of, dimension="unit"),
        stage_table(projects=projects, scope=scope, as_of=as_of, dimension="chain"),
        stage_table(projects=projects, scope=scope, as_of=as_of, dimension="channel"),
        month_flow_table(projects=projects, scope=scope, year=as_of.year, today=today),
        top_table(projects=projects, scope=scope, as_of=as_of),
    ]
