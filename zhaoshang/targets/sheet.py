"""Targets from an Excel sheet the way offices send them: title lines, then a header row
with 单位 and one column per figure ("签约项目数", "签约总投资(亿元)", "实际利用外资(万美元)"),
one row per unit. Amount columns convert from the unit in their header to the figure's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from zhaoshang.figures.measures import MEASURES
from zhaoshang.intake.importer import RowError, resolve_place
from zhaoshang.intake.layout import fold
from zhaoshang.intake.sheets import read_rows
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.org.selectors import UnitLookupError, unit_resolve
from zhaoshang.targets.services import TargetValue, parse_value

UNIT_HEADERS = ("单位", "单位名称", "县(市)区", "县(市、区)", "县市区", "地区")
_HEADER_UNIT = re.compile(r"[((]\s*(亿美元|万美元|亿元|万元|个|次|家|场)\s*[))]")
TO_MEASURE_UNIT = {
    ("亿元", "万元"): Decimal(10000),
    ("万元", "万元"): Decimal(1),
    ("亿美元", "万美元"): Decimal(10000),
    ("万美元", "万美元"): Decimal(1),
}


@dataclass
class TargetSheet:
    items: list[TargetValue] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _measure_of(cell: object) -> tuple[str, Decimal] | None:
    """A header cell → (figure code, factor to the figure's unit)."""
    text = fold(cell)
    unit_match = _HEADER_UNIT.search(text)
    bare = _HEADER_UNIT.sub("", text)
    for measure in MEASURES.values():
        if bare in (measure.label, measure.code):
            written = unit_match.group(1) if unit_match else measure.unit
            if measure.is_money:
                factor = TO_MEASURE_UNIT.get((written, measure.unit))
                if factor is None:
                    raise ValueError(f"“{cell}”的单位“{written}”与指标单位{measure.unit}不符")
                return measure.code, factor
            return measure.code, Decimal(1)
    return None


def _unit(name: str, within: Unit) -> Unit:
    """A unit as a sheet names it: its code or full name, or its short name ("台江", "福清")
    within the city, as the project importer reads places."""
    try:
        return unit_resolve(name, within=within)
    except UnitLookupError as exc:
        city = within.ancestor_of_kind(UnitKind.CITY) or within
        try:
            unit, rest = resolve_place(name, city)
        except RowError:
            raise exc from None
        if rest or not unit.is_within(within):
            raise exc from None
        return unit


def read_target_sheet(path: Path, *, within: Unit) -> TargetSheet:
    """Every cell a target or a refusal naming the Excel row, the column and the reason."""
    _, rows = read_rows(path)
    out = TargetSheet()
    header_at = next(
        (i for i, row in enumerate(rows[:30]) if any(fold(c) in UNIT_HEADERS for c in row)), None
    )
    if header_at is None:
        out.errors.append({"row": None, "field": "单位", "reason": "找不到表头:需要“单位”列"})
        return out
    header = rows[header_at]
    unit_col = next(i for i, c in enumerate(header) if fold(c) in UNIT_HEADERS)
    columns: dict[int, tuple[str, Decimal]] = {}
    for i, cell in enumerate(header):
        try:
            found = _measure_of(cell) if i != unit_col and str(cell or "").strip() else None
        except ValueError as exc:
            out.errors.append({"row": header_at + 1, "field": str(cell), "reason": str(exc)})
            continue
        if found:
            columns[i] = found
    if not columns:
        known = "、".join(m.label for m in MEASURES.values())
        out.errors.append(
            {"row": header_at + 1, "field": "表头", "reason": f"没有可识别的指标列(可用:{known})"}
        )
        return out
    for r in range(header_at + 1, len(rows)):
        row = rows[r]
        name = str(row[unit_col] if unit_col < len(row) else "").strip()
        if not name or fold(name) in ("合计", "小计", "总计"):
            continue
        try:
            unit = _unit(name, within)
        except UnitLookupError as exc:
            out.errors.append({"row": r + 1, "field": "单位", "reason": str(exc)})
            continue
        for col, (code, factor) in columns.items():
            cell = row[col] if col < len(row) else None
            label = MEASURES[code].label
            try:
                value = parse_value(cell, label)
            except ValidationError as exc:
                out.errors.append({"row": r + 1, "field": label, "reason": exc.messages[0]})
                continue
            if value is not None:
                out.items.append(TargetValue(unit, code, value * factor))
    return out
