"""How the pipeline is counted (DESIGN §3).

- Snapshot as of D: every project not dropped, in the stage of its last history entry in
  effect dated on or before D (see StageEntry); 线索 = lead + 在谈, 已签约 = signed,
  落地 = landed and later. Projects whose first entry is after D are not in it.
- Flows in [start, end]: a project reached a stage on the effective date of its first
  entry in effect at that stage or a later one (a project signed and landed the same day
  counts in both flows; a revived project is not counted twice). These dates are kept on
  the project (signed_on, landed_on, construction_on, operating_on) by the services.
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
    DecimalField,
    F,
    Sum,
)
from django.db.models.functions import Cast, Round

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


def exact_sum(field: str) -> Sum:
    """Sum of a money column, exact on SQLite too.

    SQLite keeps decimals as binary floats and sums them in floating point; scaling each
    value to whole yuan (×10⁴, rounded — exact for 15 significant digits) and summing
    integers gives the exact total on both databases. Read it back with `from_scaled`."""
    scaled = Round(
        Cast(F(field), DecimalField(max_digits=20, decimal_places=WAN_PLACES)) * 10**WAN_PLACES
    )
    return Sum(Cast(scaled, BigIntegerField()))


def _group_key(row: dict[str, Any], group_by: str | None) -> Any:
    return row[group_by] if group_by else None


def snapshot_rows(
    projects: ProjectQuerySet, as_of: date, group_by: str | None = None
) -> dict[Any, Snapshot]:
    """The snapshot of each group (`group_by` a Project field such as "chain_id")."""
    keys = ["stage_entries__stage", *([group_by] if group_by else [])]
    rows = (
        projects.in_effect_on(as_of)
        .order_by()
        .values(*keys)
        .annotate(n=Count("pk"), scaled=exact_sum("total_investment"))
    )
    buckets: dict[Any, dict[str, Tally]] = defaultdict(dict)
    for row in rows:
        bucket = BUCKET_OF_STAGE.get(row["stage_entries__stage"])
        if bucket is None:  # dropped on that day
            continue
        group = buckets[_group_key(row, group_by)]
        group[bucket] = group.get(bucket, Tally()) + Tally(row["n"], from_scaled(row["scaled"]))
    return {key: Snapshot(as_of=as_of, buckets=b) for key, b in buckets.items()}


def pipeline_snapshot(*, projects: ProjectQuerySet, as_of: date) -> Snapshot:
    return snapshot_rows(projects, as_of).get(None, Snapshot(as_of=as_of))


def reached_in(projects: ProjectQuerySet, stage: str, start: date, end: date) -> ProjectQuerySet:
    """The projects that first reached `stage` (or a later one) in [start, end]."""
    return projects.filter(**{f"{stage}_on__gte": start, f"{stage}_on__lte": end})


def flow_rows(
    projects: ProjectQuerySet, start: date, end: date, group_by: str | None = None
) -> dict[Any, dict[str, Tally]]:
    """For each group, the projects that reached signed / landed / construction /
    operating between `start` and `end` inclusive."""
    result: dict[Any, dict[str, Tally]] = defaultdict(dict)
    measures = {"n": Count("pk"), "scaled": exact_sum("total_investment")}
    for stage in FLOW_STAGES:
        reached = reached_in(projects, stage, start, end).order_by()
        if group_by:
            rows = list(reached.values(group_by).annotate(**measures))
        else:
            rows = [reached.aggregate(**measures)]
        for row in rows:
            result[_group_key(row, group_by)][stage] = Tally(row["n"], from_scaled(row["scaled"]))
    return result


def pipeline_flows(*, projects: ProjectQuerySet, start: date, end: date) -> dict[str, Tally]:
    flows = flow_rows(projects, start, end).get(None, {})
    return {stage: flows.get(stage, Tally()) for stage in FLOW_STAGES}
