"""How the pipeline is counted (DESIGN §3).

- Snapshot as of D: every project not dropped, in the stage of its last history entry in
  effect dated on or before D (see StageEntry); 线索 = lead + 在谈, 已签约 = signed,
  落地 = landed and later. Projects whose first entry is after D are not in it.
- Flows in [start, end]: a project reached a stage on the effective date of its first
  entry in effect at that stage or a later one (a project signed and landed the same day
  counts in both flows; a revived project is not counted twice). These dates are kept on
  the project (signed_on, landed_on, construction_on, operating_on) by the services.
Umbrella projects (a parent split into children, DESIGN §7) are not counted: every figure
starts from `ProjectQuerySet.counted()`, which keeps their children.
All counting is by effective date, never by the date a record was typed, and is done by
aggregate queries in the database.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    Func,
    Q,
    Sum,
)
from django.utils import timezone

from zhaoshang.figures.tally import BUCKETS, FLOW_STAGES, Snapshot, Tally, from_scaled
from zhaoshang.lib.money import WAN_PLACES
from zhaoshang.projects.querysets import ProjectQuerySet
from zhaoshang.projects.stages import RANK, Stage

BUCKET_OF_STAGE: dict[str, str] = {
    Stage.LEAD: "lead",
    Stage.NEGOTIATING: "lead",
    Stage.SIGNED: "signed",
    Stage.LANDED: "landed",
    Stage.CONSTRUCTION: "landed",
    Stage.OPERATING: "landed",
}
assert set(BUCKET_OF_STAGE) == set(RANK) and set(BUCKET_OF_STAGE.values()) == set(BUCKETS)


class _WholeYuan(Func):
    """An amount in 万元 as an integer number of yuan: ROUND(x × 10⁴) cast to an integer."""

    template = f"CAST(ROUND(%(expressions)s * {10**WAN_PLACES}) AS BIGINT)"
    output_field = BigIntegerField()


def exact_sum(field: str, filter: Q | None = None) -> Sum:
    """Sum of a money column, exact on SQLite too.

    SQLite keeps decimals as binary floats and sums them in floating point; scaling each
    value to whole yuan (×10⁴, rounded — exact for 15 significant digits) and summing
    integers gives the exact total on both databases. Read it back with `from_scaled`."""
    return Sum(_WholeYuan(F(field)), filter=filter)


def _group_key(row: dict[str, Any], group_by: str | None) -> Any:
    return row[group_by] if group_by else None


def snapshot_rows(
    projects: ProjectQuerySet, as_of: date, group_by: str | None = None
) -> dict[Any, Snapshot]:
    """The snapshot of each group (`group_by` a Project field such as "chain_id").

    From today on, the entry in effect is every project's latest (no entry is dated in the
    future), so the project's own derived `stage` answers without touching the history."""
    projects = projects.counted()
    if as_of >= timezone.localdate():
        stage_key, rows = "stage", projects
    else:
        stage_key, rows = "stage_entries__stage", projects.in_effect_on(as_of)
    grouped = (
        rows.order_by()
        .values(stage_key, *([group_by] if group_by else []))
        .annotate(n=Count("pk"), scaled=exact_sum("total_investment"))
    )
    buckets: dict[Any, dict[str, Tally]] = defaultdict(dict)
    for row in grouped:
        bucket = BUCKET_OF_STAGE.get(row[stage_key])
        if bucket is None:  # dropped on that day
            continue
        group = buckets[_group_key(row, group_by)]
        group[bucket] = group.get(bucket, Tally()) + Tally(row["n"], from_scaled(row["scaled"]))
    return {key: Snapshot(as_of=as_of, buckets=b) for key, b in buckets.items()}


def pipeline_snapshot(*, projects: ProjectQuerySet, as_of: date) -> Snapshot:
    return snapshot_rows(projects, as_of).get(None, Snapshot(as_of=as_of))


def reached_in(projects: ProjectQuerySet, stage: str, start: date, end: date) -> ProjectQuerySet:
    """The counted projects that first reached `stage` (or a later one) in [start, end]."""
    return projects.counted().filter(**{f"{stage}_on__gte": start, f"{stage}_on__lte": end})


def flow_rows(
    projects: ProjectQuerySet, start: date, end: date, group_by: str | None = None
) -> dict[Any, dict[str, Tally]]:
    """For each group, the projects that reached signed / landed / construction /
    operating between `start` and `end` inclusive (one pass: conditional aggregates)."""
    measures: dict[str, Any] = {}
    for stage in FLOW_STAGES:
        reached = Q(**{f"{stage}_on__gte": start, f"{stage}_on__lte": end})
        measures[f"{stage}_n"] = Count("pk", filter=reached)
        measures[f"{stage}_scaled"] = exact_sum("total_investment", filter=reached)
    any_reached = Q()
    for stage in FLOW_STAGES:  # narrow to the projects that can count (indexed ranges)
        any_reached |= Q(**{f"{stage}_on__gte": start, f"{stage}_on__lte": end})
    base = projects.counted().filter(any_reached).order_by()
    if group_by:
        rows = list(base.values(group_by).annotate(**measures))
    else:
        rows = [base.aggregate(**measures)]
    result: dict[Any, dict[str, Tally]] = {}
    for row in rows:
        tallies = {
            stage: Tally(row[f"{stage}_n"], from_scaled(row[f"{stage}_scaled"]))
            for stage in FLOW_STAGES
            if row[f"{stage}_n"]
        }
        if tallies:
            result[_group_key(row, group_by)] = tallies
    return result


def pipeline_flows(*, projects: ProjectQuerySet, start: date, end: date) -> dict[str, Tally]:
    flows = flow_rows(projects, start, end).get(None, {})
    return {stage: flows.get(stage, Tally()) for stage in FLOW_STAGES}
