"""Assessment schemes and runs: checked before anything is written, one transaction each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhaoshang.assessment.models import Indicator, Run, Scheme
from zhaoshang.assessment.scoring import ScoringError, score
from zhaoshang.figures.measures import MEASURES, Actuals
from zhaoshang.figures.periods import Period
from zhaoshang.lib.money import plain
from zhaoshang.org import access
from zhaoshang.projects.models import ArrivalAction, CapitalArrival, EntryAction, StageEntry
from zhaoshang.projects.stages import Stage
from zhaoshang.targets.models import Target

if TYPE_CHECKING:
    from zhaoshang.org.models import Unit, User

HUNDRED = Decimal(100)


def _check_units(actor: User | None, units: list[Unit]) -> None:
    if actor is None or actor.is_superuser:
        return
    scope = set(access.units_in_scope(actor).values_list("pk", flat=True))
    outside = [u.name for u in units if u.pk not in scope]
    if outside:
        raise ValidationError({"units": f"参评单位超出您的管理范围:{'、'.join(outside)}"})


def _check_indicators(indicators: list[dict[str, Any]]) -> None:
    if not indicators:
        raise ValidationError({"indicators": "至少需要一项考评指标"})
    seen = set()
    for i in indicators:
        if i["measure"] not in MEASURES:
            raise ValidationError({"indicators": f"未知指标“{i['measure']}”"})
        if i["measure"] in seen:
            raise ValidationError({"indicators": f"指标“{MEASURES[i['measure']].label}”重复"})
        seen.add(i["measure"])
        if Decimal(i["weight"]) <= 0 or Decimal(i.get("cap", 1)) <= 0:
            raise ValidationError({"indicators": "权重和完成率上限须大于零"})
    total = sum((Decimal(i["weight"]) for i in indicators), Decimal(0))
    if total != HUNDRED:
        raise ValidationError({"indicators": f"各项指标权重之和为{plain(total)}%,应为100%"})


@transaction.atomic
def scheme_save(
    *,
    data: dict[str, Any],
    indicators: list[dict[str, Any]],
    actor: User | None,
    scheme: Scheme | None = None,
) -> Scheme:
    """Create or change a scheme with its indicators (replaced as a whole)."""
    units = list(data["units"])
    if not units:
        raise ValidationError({"units": "请选择参评单位"})
    _check_units(actor, [data["owner"], *units])
    _check_indicators(indicators)
    period: Period = data["period"]
    scheme = scheme or Scheme(created_by=actor)
    scheme.name, scheme.owner = data["name"].strip(), data["owner"]
    scheme.start, scheme.end = period.start, period.end
    for key in ("deduct_dropped", "deduct_not_started", "not_started_days", "deduct_corrections"):
        if key in data and data[key] is not None:
            setattr(scheme, key, data[key])
    if not scheme.name:
        raise ValidationError({"name": "请填写考评名称"})
    scheme.full_clean(exclude=["units"])
    scheme.save()
    scheme.units.set(units)
    scheme.indicators.all().delete()
    for order, i in enumerate(indicators):
        Indicator.objects.create(
            scheme=scheme,
            measure=i["measure"],
            weight=Decimal(i["weight"]),
            cap=Decimal(i.get("cap", 1)),
            tier_threshold=i.get("tier_threshold"),
            tier_factor=Decimal(i.get("tier_factor") or 1),
            order=order,
        )
    return scheme


def _deductions(scheme: Scheme, projects: Any, end: dt.date) -> dict[str, int]:
    dropped = (
        StageEntry.objects.filter(
            project__in=projects,
            stage=Stage.DROPPED,
            in_effect=True,
            effective_on__range=(scheme.start, end),
        )
        .values("project")
        .distinct()
        .count()
    )
    due = end - dt.timedelta(days=scheme.not_started_days)
    not_started = (
        projects.filter(signed_on__lte=due)
        .filter(Q(construction_on__isnull=True) | Q(construction_on__gt=end))
        .live_on(end)
        .count()
    )
    # Reports corrected or withdrawn during the stage, by when the correction was recorded
    # (local days, as a range of instants: no date function over every history row).
    first = timezone.make_aware(dt.datetime.combine(scheme.start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    window = {"recorded_at__gte": first, "recorded_at__lt": after, "project__in": projects}
    corrections = StageEntry.objects.filter(
        action__in=[EntryAction.CORRECTION, EntryAction.RETRACTION], **window
    ).count()
    # Arrivals corrected or withdrawn count alike; a recalculation at a corrected rate is
    # the city's, not a wrong report.
    corrections += CapitalArrival.objects.filter(
        action__in=[ArrivalAction.CORRECTION, ArrivalAction.RETRACTION], **window
    ).count()
    return {"dropped": dropped, "not_started": not_started, "corrections": corrections}


def _tier_extra(indicator: Indicator, actuals: Actuals) -> Decimal:
    measure = MEASURES[indicator.measure]
    if indicator.tier_threshold is None or measure.stage is None or indicator.tier_factor == 1:
        return Decimal(0)
    big = sum(
        1
        for a in actuals.amounts_reached(measure.stage)
        if a is not None and a >= indicator.tier_threshold
    )
    return big * (indicator.tier_factor - 1)


def gather_inputs(scheme: Scheme, *, actor: User | None, as_of: dt.date) -> dict[str, Any]:
    """Everything a run scores, as plain strings: the scheme as it stood and each unit's
    actuals, targets, tier extras and deduction counts."""
    end = min(scheme.end, as_of)
    indicators = list(scheme.indicators.all())
    units = list(scheme.units.order_by("code"))
    targets = {
        (t.unit_id, t.measure): t.value
        for t in Target.objects.filter(unit__in=units, start=scheme.start, end=scheme.end)
    }
    missing = [
        f"{u.name}“{MEASURES[i.measure].label}”"
        for u in units
        for i in indicators
        if (u.pk, i.measure) not in targets
    ]
    if missing:
        raise ValidationError({"__all__": f"缺少本期目标:{'、'.join(missing)}"})
    rows = []
    for unit in units:
        actuals = Actuals(user=actor, unit=unit, start=scheme.start, end=end, today=as_of)
        figures = {
            i.measure: {
                "actual": plain(actuals.value(i.measure)),
                "target": plain(targets[(unit.pk, i.measure)]),
                "tier_extra": plain(_tier_extra(i, actuals)),
            }
            for i in indicators
        }
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "figures": figures,
                "deductions": _deductions(scheme, actuals.projects, end),
                "landed_amount": plain(actuals.flows["landed"].amount_wan),
            }
        )
    return {
        "scheme": {
            "name": scheme.name,
            "start": scheme.start.isoformat(),
            "end": scheme.end.isoformat(),
            "as_of": as_of.isoformat(),
            "indicators": [
                {
                    "measure": i.measure,
                    "label": MEASURES[i.measure].label,
                    "weight": plain(i.weight),
                    "cap": plain(i.cap),
                    "tier_threshold": plain(i.tier_threshold) if i.tier_threshold else None,
                    "tier_factor": plain(i.tier_factor),
                }
                for i in indicators
            ],
            "deductions": {
                "dropped": plain(scheme.deduct_dropped),
                "not_started": plain(scheme.deduct_not_started),
                "corrections": plain(scheme.deduct_corrections),
            },
        },
        "units": rows,
    }


@transaction.atomic
def scheme_run(*, scheme: Scheme, actor: User | None, as_of: dt.date | None = None) -> Run:
    as_of = as_of or timezone.localdate()
    _check_units(actor, [scheme.owner, *scheme.units.all()])
    _check_indicators(
        [{"measure": i.measure, "weight": i.weight, "cap": i.cap} for i in scheme.indicators.all()]
    )
    if as_of < scheme.start:
        raise ValidationError({"as_of": "考评期尚未开始"})
    inputs = gather_inputs(scheme, actor=actor, as_of=as_of)
    try:
        results = score(inputs)
    except ScoringError as exc:
        raise ValidationError({"__all__": str(exc)}) from None
    return Run.objects.create(
        scheme=scheme, as_of=as_of, inputs=inputs, results=results, run_by=actor
    )


def run_reproduce(run: Run) -> bool:
    """Score the stored inputs again: True when the stored results come out."""
    return score(run.inputs) == run.results


@transaction.atomic
def run_publish(*, run: Run, actor: User | None) -> Run:
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.published_at:
        raise ValidationError({"__all__": "该考评结果已发布"})
    if actor is not None and not access.can_write_unit(actor, run.scheme.owner):
        raise ValidationError({"__all__": "无权发布该考评结果"})
    Run.objects.filter(pk=run.pk).update(published_at=timezone.now(), published_by=actor)
    run.refresh_from_db()
    return run
