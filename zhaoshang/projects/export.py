"""Projects out: Excel, CSV and JSON in a layout the importer reads back, so exporting and
importing the export again changes nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import xlsxwriter

from zhaoshang.lib.money import plain

Getter = Callable[[Any], Any]
COLUMNS: list[tuple[str, int, Getter]] = [
    ("项目编号", 14, lambda p: p.code),
    ("项目名称", 36, lambda p: p.name),
    ("归属单位", 12, lambda p: p.unit.name),
    ("所在地", 12, lambda p: p.region.name if p.region else ""),
    ("园区", 16, lambda p: p.park.name if p.park else ""),
    ("投资方", 30, lambda p: p.investor.name if p.investor else ""),
    ("统一社会信用代码", 20, lambda p: (p.investor.credit_code or "") if p.investor else ""),
    ("产业链", 12, lambda p: p.chain.name if p.chain else ""),
    ("招商渠道", 12, lambda p: p.channel.name if p.channel else ""),
    ("责任单位", 14, lambda p: p.responsible_unit.name if p.responsible_unit else ""),
    ("项目进展", 8, lambda p: str(p.get_stage_display())),
    ("入库时间", 12, lambda p: p.entered_on),
    ("签约时间", 12, lambda p: p.signed_on),
    ("落地时间", 12, lambda p: p.landed_on),
    ("开工时间", 12, lambda p: p.construction_on),
    ("投产时间", 12, lambda p: p.operating_on),
    ("总投资(万元)", 14, lambda p: p.total_investment),
    ("合同外资(万美元)", 14, lambda p: p.contracted_foreign),
    ("省重点", 8, lambda p: "是" if p.is_provincial_key else ""),
    ("市重点", 8, lambda p: "是" if p.is_city_key else ""),
]
RELATED = ["unit", "region", "park", "investor", "chain", "channel", "responsible_unit"]


def title_lines(*, title: str, filler: str, as_of: date, note: str = "") -> list[str]:
    lines = [
        title,
        f"填报单位:{filler}",
        "单位:万元、万美元",
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日",
    ]
    return [*lines, note] if note else lines


def projects_xlsx(projects: Iterable[Any], *, lines: list[str]) -> bytes:
    """Amounts are numbers with their stored digits (Excel keeps 15 significant digits);
    texts are written as texts, never as formulas."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet("项目清单")
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    amount = book.add_format({"num_format": "#,##0.####"})
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, lines[0], bold)
    for i, line in enumerate(lines[1:], start=1):
        sheet.write(i, 0, line)
    top = len(lines)
    for col, (label, width, _) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write(top, col, label, head)
    row = top
    for row, project in enumerate(projects, start=top + 1):
        for col, (_, _, get) in enumerate(COLUMNS):
            value = get(project)
            if isinstance(value, date):
                sheet.write_datetime(row, col, value, day)
            elif value is not None and not isinstance(value, str):
                sheet.write_number(row, col, float(value), amount)
            elif value:
                sheet.write_string(row, col, value)
    sheet.freeze_panes(top + 1, 2)
    sheet.autofilter(top, 0, max(row, top), len(COLUMNS) - 1)
    book.close()
    return out.getvalue()


# A CSV cell starting with one of these is a formula to Excel ("=HYPERLINK(…)" in a
# project's name would run when the file is opened): such a text is written after a "'",
# which reading a CSV takes off again (`unescaped_text`), so the round trip still holds.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return plain(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unescaped_text(value: object) -> object:
    """A cell as written before `_cell` guarded it against formula injection."""
    if isinstance(value, str) and value[:1] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def projects_csv(projects: Iterable[Any], *, lines: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in lines:
        writer.writerow([line])
    writer.writerow([label for label, _, _ in COLUMNS])
    for project in projects:
        writer.writerow([_cell(get(project)) for _, _, get in COLUMNS])
    return out.getvalue()


def project_json(p: Any) -> dict[str, Any]:
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    money = lambda v: None if v is None else plain(v)  # noqa: E731
    investors = (
        [{"name": p.investor.name, "credit_code": p.investor.credit_code}] if p.investor else []
    )
    return {
        "code": p.code, "name": p.name, "stage": p.stage,
        "total_investment_wan": money(p.total_investment),
        "fdi_wan_usd": money(p.contracted_foreign),
        "region_code": p.region.code if p.region else None, "unit_code": p.unit.code,
        "entered_on": iso(p.entered_on), "signed_on": iso(p.signed_on),
        "landed_on": iso(p.landed_on), "construction_on": iso(p.construction_on),
        "operating_on": iso(p.operating_on), "investors": investors,
    }  # fmt: skip


def projects_json(projects: Iterable[Any]) -> str:
    return json.dumps([project_json(p) for p in projects], ensure_ascii=False, indent=1)
