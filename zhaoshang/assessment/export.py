"""A ranking as an Excel sheet: title, date line, grouped headers (each indicator's
completion and score under its name), one row per unit in rank order."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import xlsxwriter

from zhaoshang.assessment.models import Run
from zhaoshang.reports.xlsx import office_formats


def _r(value: str, places: str = "0.01") -> float:
    # xlsxwriter writes numbers as IEEE doubles; rounded to display precision first.
    return float(Decimal(value).quantize(Decimal(places), ROUND_HALF_UP))


def ranking_xlsx(run: Run) -> bytes:
    indicators: list[dict[str, Any]] = run.inputs["scheme"]["indicators"]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("考评排名")
    title, head, cell = office_formats(book)
    num = book.add_format({"border": 1, "num_format": "0.00"})
    pct = book.add_format({"border": 1, "num_format": "0.0%"})
    width = 4 + 2 * len(indicators) + 2
    sheet.merge_range(0, 0, 0, width - 1, f"{run.scheme.name}考评结果", title)
    published = f",{run.published_at:%Y-%m-%d}发布" if run.published_at else "(未发布)"
    sheet.merge_range(
        1,
        0,
        1,
        width - 1,
        f"考评期间 {run.inputs['scheme']['start']} 至 "
        f"{run.inputs['scheme']['end']},截至 {run.as_of:%Y-%m-%d}{published}",
    )
    for col, label in ((0, "名次"), (1, "单位")):
        sheet.merge_range(2, col, 3, col, label, head)
    col = 2
    for i in indicators:
        sheet.merge_range(2, col, 2, col + 1, f"{i['label']}(权重{i['weight']}%)", head)
        sheet.write(3, col, "完成率", head)
        sheet.write(3, col + 1, "得分", head)
        col += 2
    for label in ("指标得分", "扣分", "总分"):
        sheet.merge_range(2, col, 3, col, label, head)
        col += 1
    for r, row in enumerate(run.results, start=4):
        sheet.write(r, 0, row["rank"], cell)
        sheet.write(r, 1, row["name"], cell)
        col = 2
        for i in indicators:
            part = row["indicators"][i["measure"]]
            sheet.write(r, col, _r(part["completion"], "0.0001"), pct)
            sheet.write(r, col + 1, _r(part["score"]), num)
            col += 2
        for key in ("gained", "deducted", "total"):
            sheet.write(r, col, _r(row[key]), num)
            col += 1
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, width, 11)
    book.close()
    return out.getvalue()
