"""Setting targets: one call (or one grid, one sheet) is one transaction; a refusal names
the unit, figure and reason, and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.figures.measures import MEASURES
from zhaoshang.figures.periods import Period
from zhaoshang.org import access
from zhaoshang.org.models import Role, Unit
from zhaoshang.targets.models import Target

if TYPE_CHECKING:
    from zhaoshang.org.models import User


def may_set_targets(actor: User | None, unit: Unit) -> bool:
    """Targets are set from above: a city administrator for the units of the city, an
    officer for the units under their own (not for their own unit)."""
    if actor is None or actor.is_superuser:
        return True
    if not access.can_write_unit(actor, unit):
        return False
    return actor.role == Role.CITY_ADMIN or (unit.is_within(actor.unit) and unit != actor.unit)


@dataclass(frozen=True)
class TargetValue:
    unit: Unit
    measure: str
    value: Decimal | None  # None removes the target


def _check(actor: User | None, item: TargetValue, where: str) -> None:
    if item.measure not in MEASURES:
        raise ValidationError({"measure": f"{where}未知指标“{item.measure}”"})
    label = MEASURES[item.measure].label
    if not may_set_targets(actor, item.unit):
        raise ValidationError({"unit": f"{where}无权为“{item.unit}”下达目标"})
    if item.value is not None:
        if not isinstance(item.value, Decimal) or not item.value.is_finite():
            raise ValidationError({"value": f"{where}{item.unit}“{label}”的目标值无效"})
        if item.value < 0:
            raise ValidationError({"value": f"{where}{item.unit}“{label}”的目标值不能为负数"})


@transaction.atomic
def targets_set(
    *, period: Period, items: list[TargetValue], actor: User | None, source: str = ""
) -> int:
    """Set (or clear) targets for one period; returns how many rows changed."""
    for item in items:
        _check(actor, item, "")
    changed = 0
    for item in items:
        key = {"unit": item.unit, "measure": item.measure, "start": period.start,
               "end": period.end}  # fmt: skip
        existing = Target.objects.filter(**key).first()
        if item.value is None:
            if existing:
                existing._history_user = actor  # type: ignore[attr-defined]
                existing.delete()
                changed += 1
            continue
        if existing and existing.value == item.value:
            continue
        target = existing or Target(**key, period_kind=period.kind)
        target.value, target.set_by, target.source = item.value, actor, source
        target.full_clean()
        target._history_user = actor  # type: ignore[attr-defined]
        target.save()
        changed += 1
    return changed


def parse_value(text: Any, label: str) -> Decimal | None:
    """A typed target: "" → None (no target), "12", "3.5" → Decimal; anything else refused."""
    if text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({"value": f"“{label}”的目标值“{text}”不是数字"}) from None
    if not value.is_finite():
        raise ValidationError({"value": f"“{label}”的目标值“{text}”不是数字"})
    if value < 0:
        raise ValidationError({"value": f"“{label}”的目标值不能为负数"})
    return value
