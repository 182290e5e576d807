"""The target grid: units as rows, figures as columns; each cell the target (editable by
who may set it), the actual, the completion and its light against 序时进度."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from zhaoshang.figures.measures import MEASURES
from zhaoshang.figures.periods import Period, elapsed_days, period_parse, period_spec, total_days
from zhaoshang.intake.sheets import SheetError
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.targets.models import Target
from zhaoshang.targets.progress import progress_of
from zhaoshang.targets.services import (
    TargetValue,
    may_set_targets,
    parse_value,
    targets_set,
)
from zhaoshang.targets.sheet import read_target_sheet
from zhaoshang.web.scoping import scope_from_request


def grid_units(scope: Unit) -> list[Unit]:
    """The scope itself and its children that take targets (not departments)."""
    children = scope.children.exclude(kind=UnitKind.DEPARTMENT).filter(is_active=True)
    return [scope, *children.order_by("path")]


def _period(request: HttpRequest) -> tuple[Period, str]:
    today = timezone.localdate()
    spec = request.GET.get("period") or request.POST.get("period") or str(today.year)
    try:
        return period_parse(spec), ""
    except ValueError as exc:
        return period_parse(str(today.year)), str(exc)


def target_grid(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scope, choices = scope_from_request(request)
    period, period_error = _period(request)
    units = grid_units(scope)
    errors: list[str] = [period_error] if period_error else []
    settable = [u for u in units if may_set_targets(request.user, u)]  # type: ignore[arg-type]
    if request.method == "POST" and not settable:
        raise PermissionDenied(f"无权设置{scope.name}的目标任务")
    if request.method == "POST" and not period_error:
        if request.FILES.get("sheet"):
            errors = _import(request, period, scope)
        else:
            errors = _save_grid(request, period, units)
        if not errors:
            return redirect(request.get_full_path())
    targets = list(Target.objects.filter(unit__in=units, start=period.start, end=period.end)
                   .select_related("unit"))  # fmt: skip
    progress = {(p.target.unit_id, p.target.measure): p
                for p in progress_of(targets, user=request.user, today=today)}  # fmt: skip
    rows = []
    for u in units:
        cells = [(m, progress.get((u.pk, m.code))) for m in MEASURES.values()]
        rows.append((u, u in settable, cells))
    return render(request, "targets/grid.html", {
        "rows": rows, "measures": list(MEASURES.values()), "period": period,
        "spec": period_spec(period), "scope": scope, "choices": choices, "errors": errors,
        "elapsed_pct": round(100 * elapsed_days(period, today) / total_days(period), 1),
        "posted": request.POST if errors else {}, "can_set": bool(settable),
    })  # fmt: skip


def _save_grid(request: HttpRequest, period: Period, units: list[Unit]) -> list[str]:
    items, errors = [], []
    for unit in units:
        for m in MEASURES.values():
            name = f"t-{unit.code}-{m.code}"
            if name not in request.POST:
                continue
            try:
                items.append(TargetValue(unit, m.code, parse_value(request.POST[name], m.label)))
            except ValidationError as exc:
                errors.append(f"{unit}:{exc.messages[0]}")
    if errors:
        return errors
    try:
        changed = targets_set(period=period, items=items, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        return exc.messages
    messages.success(request, f"已保存{period.label}目标(变更{changed}项)")
    return []


def _import(request: HttpRequest, period: Period, scope: Unit) -> list[str]:
    upload: Any = request.FILES["sheet"]
    suffix = Path(upload.name or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
        fh.flush()
        try:
            sheet = read_target_sheet(Path(fh.name), within=scope)
        except SheetError as exc:
            return [str(exc)]
    if sheet.errors:
        return [f"第{e['row']}行“{e['field']}”:{e['reason']}" if e["row"] else e["reason"]
                for e in sheet.errors]  # fmt: skip
    try:
        changed = targets_set(period=period, items=sheet.items, actor=request.user,  # type: ignore[arg-type]
                              source=f"导入自 {upload.name}")  # fmt: skip
    except ValidationError as exc:
        return exc.messages
    messages.success(request, f"已从 {upload.name} 导入{period.label}目标(变更{changed}项)")
    return []
