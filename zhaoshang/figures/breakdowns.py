"""Figures broken down by child unit, landing region, industry chain or channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from zhaoshang.figures.pipeline import flow_rows, snapshot_rows
from zhaoshang.figures.tally import FLOW_STAGES, Snapshot, Tally
from zhaoshang.org.models import Unit
from zhaoshang.projects.models import Channel, IndustryChain
from zhaoshang.projects.querysets import ProjectQuerySet

DIMENSIONS: dict[str, tuple[str, Any]] = {
    "unit": ("unit_id", Unit),
    "region": ("region_id", Unit),
    "chain": ("chain_id", IndustryChain),
    "channel": ("channel_id", Channel),
}
UNSET_LABEL = "未填写"


@dataclass(frozen=True)
class Row:
    key: str | None  # the unit code or the list entry's id; None for "not filled in"
    label: str
    snapshot: Snapshot | None = None
    flows: dict[str, Tally] | None = None


def _labels(model: Any, ids: set[Any]) -> dict[Any, tuple[str, str]]:
    objs = model.objects.filter(pk__in=[i for i in ids if i is not None])
    return {o.pk: (getattr(o, "code", None) or str(o.pk), o.name) for o in objs}


def _roll_up_to_children(parent: Unit, grouped: dict[Any, Any]) -> dict[Any, list[Any]]:
    """unit id → values grouped under the child of `parent` that contains the unit
    (projects owned by `parent` itself stand under `parent`)."""
    units = Unit.objects.filter(pk__in=[k for k in grouped if k is not None])
    depth = parent.path.count("/")
    out: dict[Any, list[Any]] = {}
    for unit in units:
        if not unit.path.startswith(parent.path):
            continue
        parts = unit.path.split("/")
        child_code = parts[depth] if len(parts) > depth + 1 else parent.code
        out.setdefault(child_code, []).append(grouped[unit.pk])
    return out


def snapshot_by_child_unit(
    *, projects: ProjectQuerySet, as_of: date, parent: Unit
) -> tuple[Snapshot, list[Row]]:
    """The whole snapshot and one row per child of `parent` from one grouped query; the
    whole is the sum of all groups (also of projects owned outside `parent`, which a
    department sees), to the last digit."""
    grouped = snapshot_rows(projects, as_of, group_by="unit_id")
    whole = _merge_snapshots(as_of, list(grouped.values()))
    rows = _unit_rows(parent, grouped, lambda parts: _merge_snapshots(as_of, parts), "snapshot")
    return whole, rows


def snapshot_breakdown(
    *, projects: ProjectQuerySet, as_of: date, dimension: str, parent: Unit | None = None
) -> list[Row]:
    """One snapshot per value of the dimension. For "unit", pass the parent unit: the rows
    are its children, each with everything under it."""
    field, model = DIMENSIONS[dimension]
    grouped = snapshot_rows(projects, as_of, group_by=field)
    if dimension == "unit" and parent is not None:
        return _unit_rows(parent, grouped, lambda parts: _merge_snapshots(as_of, parts), "snapshot")
    labels = _labels(model, set(grouped))
    rows = [
        Row(key=labels.get(k, (None,))[0], label=labels.get(k, ("", UNSET_LABEL))[1], snapshot=s)
        for k, s in grouped.items()
    ]
    return sorted(rows, key=lambda r: -r.snapshot.total.amount_wan if r.snapshot else 0)


def flows_breakdown(
    *, projects: ProjectQuerySet, start: date, end: date, dimension: str, parent: Unit | None = None
) -> list[Row]:
    field, model = DIMENSIONS[dimension]
    grouped = flow_rows(projects, start, end, group_by=field)
    if dimension == "unit" and parent is not None:
        return _unit_rows(parent, grouped, _merge_flows, "flows")
    labels = _labels(model, set(grouped))
    return [
        Row(
            key=labels.get(k, (None,))[0],
            label=labels.get(k, ("", UNSET_LABEL))[1],
            flows=_merge_flows([f]),
        )
        for k, f in grouped.items()
    ]


def _unit_rows(parent: Unit, grouped: dict[Any, Any], merge: Any, attr: str) -> list[Row]:
    by_child = _roll_up_to_children(parent, grouped)
    names = dict(Unit.objects.filter(code__in=by_child).values_list("code", "name"))
    rows = [
        Row(key=code, label=names[code], **{attr: merge(parts)}) for code, parts in by_child.items()
    ]
    return sorted(rows, key=lambda r: r.key or "")


def _merge_snapshots(as_of: date, parts: list[Snapshot]) -> Snapshot:
    buckets: dict[str, Tally] = {}
    for part in parts:
        for name, tally in part.buckets.items():
            buckets[name] = buckets.get(name, Tally()) + tally
    return Snapshot(as_of=as_of, buckets=buckets)


def _merge_flows(parts: list[dict[str, Tally]]) -> dict[str, Tally]:
    return {s: sum((p.get(s, Tally()) for p in parts), Tally()) for s in FLOW_STAGES}
