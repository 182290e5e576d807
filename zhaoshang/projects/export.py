"""The filtered project list as an Excel sheet: a title row, a units row, a header row."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

import xlsxwriter

COLUMNS = [
    ("项目编号", 14, lambda p: p.code),
    ("项目名称", 36, lambda p: p.name),
    ("归属单位", 12, lambda p: p.unit.name),
    ("落地区域", 12, lambda p: p.region.name if p.region else ""),
    ("园区", 16, lambda p: p.park.name if p.park else ""),
    ("投资方", 30, lambda p: p.investor.name if p.investor else ""),
    ("产业链", 12, lambda p: p.chain.name if p.chain else ""),
    ("招商渠道", 12, lambda p: p.channel.name if p.channel else ""),
    ("阶段", 8, lambda p: str(p.get_stage_display())),
    ("阶段日期", 12, lambda p: p.stage_on),
    ("入库日期", 12, lambda p: p.entered_on),
    ("签约日期", 12, lambda p: p.signed_on),
    ("落地日期", 12, lambda p: p.landed_on),
    ("总投资(万元)", 14, lambda p: p.total_investment),
    ("合同外资(万美元)", 14, lambda p: p.contracted_foreign),
    ("省重点", 8, lambda p: "是" if p.is_provincial_key else ""),
    ("市重点", 8, lambda p: "是" if p.is_city_key else ""),
]


def projects_xlsx(projects: Iterable[Any], *, title: str, note: str) -> bytes:
    """Amounts are written as numbers with exactly their stored digits (Excel shows
    them; the Decimal becomes its float only in the file format)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet("项目清单")
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    amount = book.add_format({"num_format": "#,##0.####"})
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, title, bold)
    sheet.write(1, 0, note)
    sheet.write(2, 0, "单位:万元、万美元")
    for col, (label, width, _) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write(3, col, label, head)
    row = 3
    for row, project in enumerate(projects, start=4):
        for col, (_, _, get) in enumerate(COLUMNS):
            value = get(project)
            if isinstance(value, date):
                sheet.write_datetime(row, col, value, day)
            elif value is not None and not isinstance(value, str):
                sheet.write_number(row, col, float(value), amount)
            elif value:
                sheet.write_string(row, col, value)
    sheet.freeze_panes(4, 2)
    sheet.autofilter(3, 0, max(row, 3), len(COLUMNS) - 1)
    book.close()
    return out.getvalue()
