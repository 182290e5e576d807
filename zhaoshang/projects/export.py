"""Projects out: Excel, CSV and JSON in a layout the importer reads back, so exporting and
importing the export again changes nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import attrgetter
from typing import Any

import xlsxwriter
from django.db import models

from zhaoshang.lib.money import plain
from zhaoshang.projects.forms import PROJECT_FIELDS
from zhaoshang.projects.models import EntryAction, Project

Getter = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    label: str  # the header, as `intake.layout` reads it back
    key: str  # the key in a JSON export
    width: int
    get: Getter
    field: str = ""  # the form field it carries, if any


def _name(value: Any) -> str:
    return value.name if value is not None else ""


def _flag(value: bool) -> str:
    return "是" if value else "否"


def _names(name: str, project: Any) -> str:
    return "、".join(sorted(t.name for t in getattr(project, name).all()))


def _related_name(name: str, project: Any) -> str:
    return _name(getattr(project, name))


def _flag_of(name: str, project: Any) -> str:
    return _flag(getattr(project, name))


def _amount_cell(project: Any) -> Any:
    """总投资 as recorded: a number, or "约…" text when it was entered as an approximation."""
    value = project.total_investment
    if value is not None and project.total_investment_approx:
        return "约" + plain(value)
    return value


# Headers the importer knows the field by (`intake.layout.SYNONYMS`); a field not named here
# is headed by its model's verbose name.
HEADERS = {"unit": "归属单位", "region": "所在地", "parent": "母项目编号"}
WIDE = {"name": 36, "investor": 30, "description": 40}


def _field_column(name: str) -> list[Column]:
    """The column(s) of one ProjectForm field, from the model field's type."""
    field: Any = Project._meta.get_field(name)
    label = HEADERS.get(name) or str(field.verbose_name)
    width = WIDE.get(name, 14)
    get: Getter
    if name == "total_investment_approx":
        return []  # carried by 总投资's "约"
    if name == "total_investment":
        get = _amount_cell
    elif name == "investor":
        return [
            Column("投资方", "investor", width, lambda p: _name(p.investor), name),
            Column("统一社会信用代码", "credit_code", 20,
                   lambda p: (p.investor.credit_code or "") if p.investor else "", ""),
        ]  # fmt: skip
    elif name == "parent":
        get = lambda p: p.parent.code if p.parent_id else ""  # noqa: E731
    elif isinstance(field, models.ManyToManyField):
        get = partial(_names, name)
    elif isinstance(field, models.ForeignKey):
        get = partial(_related_name, name)
    elif isinstance(field, models.BooleanField):
        get = partial(_flag_of, name)
    else:
        get = attrgetter(name)
    return [Column(label, name, width, get, name)]


STAGE_COLUMNS = [
    Column("项目进展", "stage_label", 8, lambda p: str(p.get_stage_display())),
    Column("入库时间", "entered_on", 12, lambda p: p.entered_on),
    Column("签约时间", "signed_on", 12, lambda p: p.signed_on),
    Column("落地时间", "landed_on", 12, lambda p: p.landed_on),
    Column("开工时间", "construction_on", 12, lambda p: p.construction_on),
    Column("投产时间", "operating_on", 12, lambda p: p.operating_on),
]
# Every field a user sets on the project form, so a new field is exported without anyone
# remembering; the stage and its dates follow (read back from the history sheet).
PROJECT_COLUMNS: list[Column] = [
    Column("项目编号", "code", 14, lambda p: p.code),
    *(c for name in PROJECT_FIELDS for c in _field_column(name)),
    *STAGE_COLUMNS,
]
COLUMNS = [(c.label, c.width, c.get) for c in PROJECT_COLUMNS]
RELATED = ["unit", "region", "park", "investor", "chain", "kind", "channel", "responsible_unit",
           "introducer_company", "parent"]  # fmt: skip
PREFETCH = ["tags", "sponsors"]

HISTORY_SHEET, ARRIVALS_SHEET = "阶段记录", "到资记录"
ACTION_LABELS = dict(EntryAction.choices)
HISTORY_COLUMNS: list[Column] = [
    Column("项目编号", "code", 14, lambda e: e.project.code),
    Column("序号", "seq", 6, lambda e: e.seq),
    Column("阶段", "stage", 8, lambda e: str(e.get_stage_display())),
    Column(
        "签约类型", "sign_kind", 8, lambda e: str(e.get_sign_kind_display()) if e.sign_kind else ""
    ),
    Column("生效日期", "effective_on", 12, lambda e: e.effective_on),
    Column("操作", "action", 8, lambda e: str(ACTION_LABELS[e.action])),
    Column("有效", "in_effect", 6, lambda e: _flag(e.in_effect)),
    Column("说明", "note", 30, lambda e: e.note),
]
ARRIVAL_COLUMNS: list[Column] = [
    Column("项目编号", "code", 14, lambda a: a.project.code),
    Column("到资日期", "arrived_on", 12, lambda a: a.arrived_on),
    Column("金额", "amount", 14, lambda a: a.amount),
    Column("币种", "currency", 8, lambda a: a.currency),
    Column("外资", "is_foreign", 6, lambda a: _flag(a.is_foreign)),
    Column("汇率", "rate", 8, lambda a: a.rate if a.rate is not None else ""),
    Column("说明", "note", 30, lambda a: a.note),
]


@dataclass
class Book:
    """What an export holds: the projects, and their stage history and arrivals (each in
    the order of the projects' codes, read as they are written)."""

    projects: Iterable[Any]
    entries: Iterable[Any] = ()
    arrivals: Iterable[Any] = ()


def book_of(projects: Any) -> Book:
    """The export of a project queryset."""
    from zhaoshang.projects.models import CapitalArrival, StageEntry

    chosen = projects.values("pk")
    return Book(
        projects.select_related(*RELATED).prefetch_related(*PREFETCH).order_by("code")
        .iterator(chunk_size=2000),
        StageEntry.objects.filter(project__in=chosen).select_related("project")
        .order_by("project__code", "pk").iterator(chunk_size=5000),
        CapitalArrival.objects.filter(project__in=chosen, in_effect=True).select_related("project")
        .order_by("project__code", "arrived_on", "pk").iterator(chunk_size=5000),
    )  # fmt: skip


def title_lines(*, title: str, filler: str, as_of: date, note: str = "") -> list[str]:
    lines = [
        title,
        f"填报单位:{filler}",
        "单位:万元、万美元",
        f"截至{as_of.year}年{as_of.month}月{as_of.day}日",
    ]
    return [*lines, note] if note else lines


def _write_table(book: Any, name: str, columns: list[Column], items: Iterable[Any],
                 lines: list[str]) -> None:  # fmt: skip
    sheet = book.add_worksheet(name)
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    amount = book.add_format({"num_format": "#,##0.####"})
    if lines:
        sheet.merge_range(0, 0, 0, len(columns) - 1, lines[0], bold)
    for i, line in enumerate(lines[1:], start=1):
        sheet.write(i, 0, line)
    top = len(lines)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write(top, col, column.label, head)
    row = top
    for row, item in enumerate(items, start=top + 1):
        for col, column in enumerate(columns):
            value = column.get(item)
            if isinstance(value, date):
                sheet.write_datetime(row, col, value, day)
            elif value is not None and not isinstance(value, str):
                sheet.write_number(row, col, float(value), amount)
            elif value:
                sheet.write_string(row, col, value)
    sheet.freeze_panes(top + 1, 2)
    sheet.autofilter(top, 0, max(row, top), len(columns) - 1)


def projects_xlsx(data: Book, *, lines: list[str]) -> bytes:
    """The projects on the first sheet, their stage history and capital arrivals on two
    more, as the importer reads them back. Amounts are numbers with their stored digits
    (Excel keeps 15 significant digits); texts are written as texts, never as formulas."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "remove_timezone": True})
    _write_table(book, "项目清单", PROJECT_COLUMNS, data.projects, lines)
    _write_table(book, HISTORY_SHEET, HISTORY_COLUMNS, data.entries, [])
    _write_table(book, ARRIVALS_SHEET, ARRIVAL_COLUMNS, data.arrivals, [])
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
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        return plain(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unescaped_text(value: object) -> object:
    """A cell as written before `_cell` guarded it against formula injection."""
    if isinstance(value, str) and value[:1] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def companion_path(path: Any, sheet: str) -> Any:
    """Where a CSV export keeps its stage history or arrivals: beside the projects' file,
    `福州项目.csv` → `福州项目.阶段记录.csv`."""
    return path.with_name(f"{path.stem}.{sheet}{path.suffix}")


def _csv(columns: list[Column], items: Iterable[Any], lines: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in lines:
        writer.writerow([line])
    writer.writerow([c.label for c in columns])
    for item in items:
        writer.writerow([_cell(c.get(item)) for c in columns])
    return out.getvalue()


def projects_csv(data: Book, *, lines: list[str]) -> dict[str, str]:
    """The CSV files of an export: "" for the projects' own, then the history and the
    arrivals (written beside it, see `companion_path`)."""
    return {
        "": _csv(PROJECT_COLUMNS, data.projects, lines),
        HISTORY_SHEET: _csv(HISTORY_COLUMNS, data.entries, []),
        ARRIVALS_SHEET: _csv(ARRIVAL_COLUMNS, data.arrivals, []),
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | bool | int):
        return value
    return plain(value)


def project_json(p: Any) -> dict[str, Any]:
    money = lambda v: None if v is None else plain(v)  # noqa: E731
    investors = (
        [{"name": p.investor.name, "credit_code": p.investor.credit_code}] if p.investor else []
    )
    row = {c.key: _json_value(c.get(p)) for c in PROJECT_COLUMNS}
    row.update({
        "stage": p.stage, "total_investment_wan": money(p.total_investment),
        "fdi_wan_usd": money(p.contracted_foreign),
        "region_code": p.region.code if p.region else None, "unit_code": p.unit.code,
        "investors": investors,
    })  # fmt: skip
    return row


def projects_json(data: Book) -> str:
    """A list of projects, each with every column of the sheet (by `Column.key`) and its
    `history` and `arrivals`."""
    history: dict[str, list[dict[str, Any]]] = {}
    for e in data.entries:
        history.setdefault(e.project.code, []).append(
            {c.key: _json_value(c.get(e)) for c in HISTORY_COLUMNS[1:]}
        )
    arrivals: dict[str, list[dict[str, Any]]] = {}
    for a in data.arrivals:
        arrivals.setdefault(a.project.code, []).append(
            {c.key: _json_value(c.get(a)) for c in ARRIVAL_COLUMNS[1:]}
        )
    rows = [
        {
            **project_json(p),
            "history": history.get(p.code, []),
            "arrivals": arrivals.get(p.code, []),
        }
        for p in data.projects
    ]
    return json.dumps(rows, ensure_ascii=False, indent=1)


def json_tables(text: str) -> dict[str, list[list[object]]]:
    """A JSON export as the three tables of the sheet export (header row first), for the
    importer."""
    items = json.loads(text)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError("JSON 文件应为项目列表(由“导出项目”生成)")
    tables: dict[str, list[list[object]]] = {
        "": [[c.label for c in PROJECT_COLUMNS]],
        HISTORY_SHEET: [[c.label for c in HISTORY_COLUMNS]],
        ARRIVALS_SHEET: [[c.label for c in ARRIVAL_COLUMNS]],
    }
    for item in items:
        tables[""].append([item.get(c.key) for c in PROJECT_COLUMNS])
        for key, columns in ((HISTORY_SHEET, HISTORY_COLUMNS), (ARRIVALS_SHEET, ARRIVAL_COLUMNS)):
            part = "history" if key == HISTORY_SHEET else "arrivals"
            for sub in item.get(part) or []:
                tables[key].append([item.get("code"), *(sub.get(c.key) for c in columns[1:])])
    return tables


EXPORT_FORMATS = ("xlsx", "csv", "json")
