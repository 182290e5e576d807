"""Tables as Excel the way offices print them: a merged title row, a "单位:亿元、万美元"
row, a date line, two header rows (group headers merged over their columns), the rows, a
合计 row. Written by xlsxwriter (files Excel and WPS open without a repair prompt)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from zhaoshang.reports.tables import Table


def _value(cell: Any) -> Any:
    # Exact Decimals become doubles only here, at the last step; 769.01 stays 769.01.
    return float(cell) if isinstance(cell, Decimal) else cell


def office_formats(book: Any) -> tuple[Any, Any, Any]:
    """The title, header and bordered cell formats of every sheet the product writes."""
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                            "text_wrap": True, "bg_color": "#DDEBF7"})  # fmt: skip
    return title, head, book.add_format({"border": 1})


def write_table(book: Any, table: Table, date_line: str) -> None:
    sheet = book.add_worksheet(table.title[-31:].replace("/", "、"))
    title, head, text = office_formats(book)
    number = book.add_format({"border": 1, "num_format": "#,##0.####"})
    bold = book.add_format({"border": 1, "bold": True, "num_format": "#,##0.####"})
    width = 1 + len(table.groups) * len(table.sub)
    sheet.merge_range(0, 0, 0, width - 1, table.title, title)
    sheet.merge_range(1, 0, 1, width - 1, table.note)
    sheet.merge_range(2, 0, 2, width - 1, date_line)
    sheet.merge_range(3, 0, 4, 0, table.first, head)
    col = 1
    for group in table.groups:
        span = len(table.sub)
        if span > 1:
            sheet.merge_range(3, col, 3, col + span - 1, group, head)
        else:
            sheet.write(3, col, group, head)
        for j, sub in enumerate(table.sub):
            sheet.write(4, col + j, sub, head)
        col += span
    r = 5
    for label, cells, _ in table.rows:
        sheet.write(r, 0, label, text)
        for c, cell in enumerate(cells, start=1):
            sheet.write(r, c, _value(cell), number if not isinstance(cell, str) else text)
        r += 1
    if table.total is not None:
        sheet.write(r, 0, "合计", bold)
        for c, cell in enumerate(table.total, start=1):
            sheet.write(r, c, _value(cell), bold)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, width, 12)
    sheet.freeze_panes(5, 1)


def tables_xlsx(tables: list[Table], date_line: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    for table in tables:
        write_table(book, table, date_line)
    book.close()
    return out.getvalue()
