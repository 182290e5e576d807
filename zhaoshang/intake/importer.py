"""Importing an office's project sheet (`zhaoshang import projects`).

Each row is read with the parsers of `intake.values`, validated by the same ProjectForm
as the page and the API, matched against the sheet's earlier rows and the projects
already recorded, and written as the project services write (new projects in bulk, see
bulk.py; updates through the services themselves): its dates become the
effective dates of its history, attributed to the user who ran it and to the file
("导入自 X.xlsx"). A row matches only projects the acting user may write (the command line
acting for a unit without a user: the projects owned under that unit); a row describing a
project of the city outside that scope — by its code, or by its normalised name whatever
the investor — is a clash (撞单, DESIGN §7): reported as
`CLASH_REASON` with nothing of the other project, recorded for the city (`Clash`), and
neither written nor added. The whole import is one transaction; a bad row is rejected with its
row number (as Excel shows it), field and reason, and the good rows are imported — or
none with `all_or_nothing`. Importing the same file again changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import multiprocessing as mp
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from zhaoshang.companies.models import Company
from zhaoshang.companies.services import company_for_row
from zhaoshang.intake.bulk import (
    BATCH,
    Batch,
    CodeBook,
    Draft,
    InvalidRow,
    Register,
    RowChecker,
    check_dates,
    create_projects,
    draft_project,
)
from zhaoshang.intake.layout import LABELS, Layout, find_layout, fold, layout_at
from zhaoshang.intake.models import CLASH_REASON, Clash, ClashKind, ImportRun, MappingTemplate
from zhaoshang.intake.sheets import Limits, read_companion, read_rows
from zhaoshang.intake.values import (
    AS_OF_CLI,
    TOTAL_ROW,
    parse_amount,
    parse_date,
    parse_stage,
)
from zhaoshang.lib.money import plain
from zhaoshang.lib.names import normalize_company_name, normalize_project_name
from zhaoshang.lib.uscc import uscc_error
from zhaoshang.org import access
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.projects.bulk import IdPool
from zhaoshang.projects.export import ARRIVALS_SHEET, HISTORY_SHEET
from zhaoshang.projects.forms import ProjectForm, form_errors, project_form_data
from zhaoshang.projects.models import (
    Channel,
    EntryAction,
    IndustryChain,
    Project,
    ProjectKind,
    ProjectTag,
)
from zhaoshang.projects.services import (
    EDITABLE_FIELDS,
    capital_arrival_record,
    code_prefix_for,
    import_moves,
    project_move_to_stage,
    project_revive,
    project_save,
    project_update,
    stage_entry_correct,
    stage_entry_retract,
)
from zhaoshang.projects.stages import RANK, SignKind, Stage

DATE_FIELDS = ("entered_on", "signed_on", "landed_on", "construction_on", "operating_on")
STAGE_OF_DATE = {
    "signed_on": Stage.SIGNED,
    "landed_on": Stage.LANDED,
    "construction_on": Stage.CONSTRUCTION,
    "operating_on": Stage.OPERATING,
}
# Form fields a column carries as they are (after `_extra`), beyond the office sheets' own.
EXTRA_FIELDS = ("park", "kind", "tags", "introducer", "introducer_company", "parent",
                "is_provincial_key", "is_city_key", "foreign_target", "expected_arrival_on",
                "expected_arrival_amount", "description")  # fmt: skip
# Fields whose form check queries the database: a sheet mapping them is read in this process.
QUERYING_FIELDS = ("tags", "parent", "introducer_company")
FLAGS = {"是": True, "否": False, "": None}
LIST_MODELS: dict[str, Any] = {
    "chain": IndustryChain,
    "channel": Channel,
    "kind": ProjectKind,
    "tags": ProjectTag,
}
FORM_LABELS = {"name": "项目名称", "total_investment": "总投资", "contracted_foreign": "合同外资",
               "region": "所在地", "effective_on": "入库时间", "unit": "单位",
               "investor_name": "投资方"}  # fmt: skip


def sheet_limits() -> Limits:
    return Limits(
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_unpacked=settings.IMPORT_MAX_UNPACKED,
        max_ratio=settings.IMPORT_MAX_RATIO,
    )


class RowError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


class _Abort(Exception):
    """Raised to roll back an all-or-nothing import or a dry run."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    clashes: list[dict[str, Any]] = field(default_factory=list)  # {"row", "reason"}: nothing more
    total_row_check: dict[str, Any] | None = None
    guessed_years: list[int] = field(default_factory=list)
    sheet: str = ""
    dry_run: bool = False
    written: bool = True
    layout: Layout | None = None

    @property
    def importable(self) -> bool:
        """Whether confirming would import any row (not every row rejected or a clash)."""
        return self.created + self.updated + self.unchanged > 0

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": self.rejected, "duplicates": self.duplicates, "clashes": self.clashes,
            "total_row_check": self.total_row_check, "guessed_years": self.guessed_years,
            "sheet": self.sheet, "dry_run": self.dry_run, "written": self.written,
        }  # fmt: skip


@dataclass(slots=True)
class ParsedRow:
    row: int
    data: dict[str, Any]  # ProjectForm data
    events: list[tuple[dt.date, str, str]]  # (effective date, stage, sign kind)
    key: tuple[str, str, str]  # (project name, investor, code): a project in the sheet
    credit_code: str = ""
    code: str = ""
    guessed_year: bool = False  # a date's year came from the sheet's 截至 date

    def slim(self) -> ParsedRow:
        """What matching needs (row, key, codes), without the form data and history."""
        return ParsedRow(self.row, {}, [], self.key, self.credit_code, self.code,
                         self.guessed_year)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A row of an export's 阶段记录."""

    seq: int
    stage: str
    sign_kind: str
    effective_on: dt.date
    action: str
    in_effect: bool
    note: str


@dataclass(frozen=True, slots=True)
class ArrivalRow:
    """A row of an export's 到资记录."""

    arrived_on: dt.date
    amount: Decimal
    currency: str
    is_foreign: bool
    note: str
    rate: Decimal | None = None  # the rate it was converted at (kept, DESIGN §7)


ACTIONS = {str(label): value for value, label in EntryAction.choices}
SIGN_KINDS = {str(label): value for value, label in SignKind.choices}


def _table(rows: list[list[object]]) -> list[dict[str, object]]:
    """A companion table's rows as {header: cell}, the header being its first row."""
    if not rows:
        return []
    header = [fold(c) for c in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(fold(c) for c in r)]


def read_history(rows: list[list[object]]) -> dict[str, list[HistoryRow]]:
    """An export's 阶段记录 by project code, in the order recorded."""
    out: dict[str, list[HistoryRow]] = {}
    for n, r in enumerate(_table(rows), start=2):
        try:
            stage = parse_stage(r.get("阶段"))
            day, _ = parse_date(r.get("生效日期"), default_year=None)
            seq = int(float(str(r.get("序号"))))
        except ValueError as exc:
            raise ValueError(f"{HISTORY_SHEET}第{n}行:{exc}") from None
        if stage is None or day is None or fold(r.get("操作")) not in ACTIONS:
            raise ValueError(f"{HISTORY_SHEET}第{n}行:阶段、生效日期或操作无法识别")
        out.setdefault(fold(r.get("项目编号")), []).append(HistoryRow(
            seq, stage[0], SIGN_KINDS.get(fold(r.get("签约类型")), ""), day,
            ACTIONS[fold(r.get("操作"))], fold(r.get("有效")) != "否", text_of(r.get("说明")),
        ))  # fmt: skip
    return out


def read_arrivals(rows: list[list[object]]) -> dict[str, list[ArrivalRow]]:
    """An export's 到资记录 by project code."""
    out: dict[str, list[ArrivalRow]] = {}
    for n, r in enumerate(_table(rows), start=2):
        currency = fold(r.get("币种")).upper()
        try:
            day, _ = parse_date(r.get("到资日期"), default_year=None)
            amount = parse_amount(r.get("金额"), unit=(Decimal(1), currency))
        except ValueError as exc:
            raise ValueError(f"{ARRIVALS_SHEET}第{n}行:{exc}") from None
        if day is None or amount is None:
            raise ValueError(f"{ARRIVALS_SHEET}第{n}行:到资日期或金额为空")
        rate_text = fold(r.get("汇率"))
        try:
            rate = Decimal(rate_text) if rate_text else None
        except ArithmeticError:
            raise ValueError(f"{ARRIVALS_SHEET}第{n}行:汇率“{rate_text}”不是数字") from None
        out.setdefault(fold(r.get("项目编号")), []).append(ArrivalRow(
            day, amount.wan, currency, fold(r.get("外资")) == "是", text_of(r.get("说明")), rate
        ))  # fmt: skip
    return out


def resolve_place(text: str, city: Unit) -> tuple[Unit, str]:
    """ "福清" → 福清市, "长乐" → 长乐区, "闽侯县竹岐乡" → 闽侯县 (with "竹岐乡" kept):
    within the importing unit's city first, then anywhere when the name is unique."""
    name = fold(text)
    candidates = Unit.objects.subtree(city).filter(
        kind__in=[UnitKind.COUNTY, UnitKind.PARK, UnitKind.CITY]
    )
    for unit in sorted(candidates, key=lambda u: -len(u.name)):
        short = unit.name[:-1] if len(unit.name) > 2 and unit.name[-1] in "市区县" else unit.name
        if name == unit.name or name == short:
            return unit, ""
        if name.startswith(unit.name):
            return unit, name[len(unit.name) :]
        if name.startswith(short) and len(short) >= 2:
            return unit, name[len(short) :]
    elsewhere = list(Unit.objects.filter(name=name, kind=UnitKind.COUNTY)[:2])
    if len(elsewhere) == 1:
        return elsewhere[0], ""
    raise RowError("place", f"未知地点“{text}”(在{city.name}内找不到)")


class SheetImporter:
    def __init__(
        self,
        *,
        path: Path,
        unit: Unit,
        as_of: dt.date | None,
        sheet: str | None,
        file_name: str | None = None,
        mapping: dict[int, str] | None = None,
        actor: Any = None,
        as_of_how: str = AS_OF_CLI,
    ) -> None:
        self.path, self.unit, self.actor = path, unit, actor
        self.as_of_how = as_of_how  # how the reader gives a 截至日期 (values.AS_OF_CLI/WEB)
        self.file_name = file_name or path.name
        self.city = unit.ancestor_of_kind(UnitKind.CITY) or unit
        self.scope = Unit.objects.subtree(self.city)
        self.sheet_name, self.rows = read_rows(path, sheet=sheet, limits=sheet_limits())
        templates = {
            t.signature: t.columns() for t in MappingTemplate.objects.filter(city=self.city)
        }
        self.layout: Layout = find_layout(self.rows, templates=templates)
        if mapping is not None:  # a mapping corrected by the user on the preview page
            if "name" not in mapping.values():
                raise ValueError("列对应中必须有“项目名称”")
            self.layout = layout_at(self.rows, self.layout.header_row, mapping)
        self.as_of = as_of or self.layout.as_of
        fields = set(self.layout.columns.values())
        self._column = {name: self.layout.column_of(name) for name in fields}  # asked per cell
        self.source = f"导入自 {self.file_name}"
        # An export's stage history and arrivals, read back by project code.
        self.history = read_history(read_companion(path, HISTORY_SHEET, limits=sheet_limits()))
        self.arrivals = read_arrivals(read_companion(path, ARRIVALS_SHEET, limits=sheet_limits()))
        self._created: dict[str, tuple[int, int]] = {}  # sheet code → (row, key) of a new project
        self._new: dict[str, int] = {}  # sheet code → key, of every project the import added
        # A parent named by a code the books do not have but the sheet does (an export read
        # into other books): set once the import has added it. Row's code → parent's code.
        self._parent_later: dict[str, str] = {}
        column = self.layout.column_of("code")
        body = self.rows[self.layout.header_row + 1 :]
        self._sheet_codes = (
            {fold(r[column]) for r in body if column < len(r)} if column is not None else set()
        )
        self._known_codes: dict[str, bool] = {}
        self.workers: int | None = None  # None: settings.IMPORT_WORKERS
        # New rows through the services one by one (`write`) rather than in bulk: slow, kept
        # so that the fast path can be checked against it (test_import_paths.py).
        self.one_by_one = False
        self.report = ImportReport(sheet=self.sheet_name, layout=self.layout)
        # Lookups made once per import, not once per row.
        self._places: dict[str, tuple[Unit, str] | RowError] = {}
        self._lists: dict[tuple[str, str], Any] = {}
        self._units: dict[str, Unit | None] = {}
        self._in_scope: set[int] | None = None  # the city's unit keys, read once
        self._writable: set[int] | None = None  # the units whose projects the import may change
        self._clashed: list[Clash] = []
        self._parks: dict[str, Unit | None] = {}
        self._companies: dict[str, int | None] = {}

    # ── reading one row ─────────────────────────────────────────────────────────
    def cell(self, row: list[object], name: str) -> object:
        col = self._column.get(name)
        return row[col] if col is not None and col < len(row) else None

    def parse(self, index: int, row: list[object]) -> ParsedRow:
        excel_row = index + 1
        self._guessed = False
        text = lambda name: fold(self.cell(row, name))  # noqa: E731
        name = str(self.cell(row, "name") or "").strip()
        if not name:
            raise RowError("name", "项目名称不能为空")
        data: dict[str, Any] = {"name": name, "unit": self.unit.code}
        for key, currency in (("total_investment", "CNY"), ("contracted_foreign", "USD")):
            col = self.layout.column_of(key)
            if col is None:
                continue
            try:
                amount = parse_amount(self.cell(row, key), unit=self.layout.units[col])
            except ValueError as exc:
                raise RowError(key, str(exc)) from None
            if amount is not None:
                if amount.currency != currency:
                    raise RowError(
                        key, f"币种不符:该列应为{'人民币' if currency == 'CNY' else '美元'}"
                    )
                data[key] = str(amount.wan)
                if key == "total_investment":
                    data["total_investment_approx"] = amount.approx
        if text("place"):
            region, town = self._place(text("place"))
            data["region"] = region.code
            if town:
                data["description"] = f"落地地点:{region.name}{town}"
        investor = str(self.cell(row, "investor") or "").strip()
        credit = text("credit_code").upper()
        if credit and (error := uscc_error(credit)):
            raise RowError("credit_code", f"统一社会信用代码“{credit}”无效:{error}")
        if investor:
            data["investor_name"] = investor
        for key in ("chain", "channel"):
            if text(key):
                data[key] = self._listed(key, text(key)).pk
        if text("responsible_unit"):
            data["responsible_unit"] = self._unit_named(text("responsible_unit")).code
        self._row_code = text("code")
        for key in EXTRA_FIELDS:
            if key in self._column and (value := self._extra(key, self.cell(row, key))) is not None:
                data[key] = value
        recorded = self.history.get(text("code"))
        events = history_events(recorded) if recorded else self.events(row, excel_row)
        data["effective_on"], data["stage"], data["sign_kind"] = events[0]
        # Two rows with different codes are two projects, even of one name and investor.
        same = (normalize_project_name(name), normalize_company_name(investor), text("code"))
        return ParsedRow(excel_row, data, events, same, credit, text("code"), self._guessed)

    def _extra(self, key: str, raw: object) -> Any:
        """A cell of one of EXTRA_FIELDS as form data; None for an empty cell."""
        value = fold(raw)
        if value == "":
            return None
        if key in ("introducer", "description"):
            return str(raw).strip()
        if key in ("is_provincial_key", "is_city_key"):
            if value not in FLAGS:
                raise RowError(key, f"“{value}”应为“是”或“否”")
            return FLAGS[value]
        if key == "park":
            return self._park(value).code
        if key == "kind":
            return self._listed(key, value).pk
        if key == "tags":
            return [self._listed(key, t).pk for t in re.split(r"[、,,;;]", value) if t]
        if key == "introducer_company":
            return self._company(value)
        if key == "expected_arrival_on":
            try:
                return parse_date(raw, default_year=self.as_of.year if self.as_of else None,
                                  as_of_how=self.as_of_how)[0]  # fmt: skip
            except ValueError as exc:
                raise RowError(key, str(exc)) from None
        if key in ("foreign_target", "expected_arrival_amount"):
            col = self._column.get(key)
            assert col is not None
            try:
                amount = parse_amount(raw, unit=self.layout.units[col])
            except ValueError as exc:
                raise RowError(key, str(exc)) from None
            return str(amount.wan) if amount else None
        return self._parent(value)

    def _parent(self, code: str) -> str | None:
        """A parent's code (the form finds it), or None when it is a project of this sheet
        the books do not hold yet (see `_parent_later`). Only ever read in this process
        (QUERYING_FIELDS)."""
        if code not in self._known_codes:
            self._known_codes[code] = Project.objects.filter(code=code).exists()
        if self._known_codes[code] or code not in self._sheet_codes:
            return code
        self._parent_later[self._row_code] = code
        return None

    def _park(self, text: str) -> Unit:
        if text not in self._parks:
            self._parks[text] = self.scope.filter(name=text, kind=UnitKind.PARK).first()
        found = self._parks[text]
        if found is None:
            raise RowError("park", f"找不到园区“{text}”")
        return found

    def _company(self, text: str) -> int:
        if text not in self._companies:
            found = Company.objects.active().filter(normalized_name=normalize_company_name(text))
            self._companies[text] = found.order_by("pk").values_list("pk", flat=True).first()
        pk = self._companies[text]
        if pk is None:
            raise RowError("introducer_company", f"企业库中没有“{text}”")
        return pk

    # Lookups by name, made once per import (and, before worker processes start, for every
    # name the sheet holds: a worker never queries).
    def _place(self, text: str) -> tuple[Unit, str]:
        if text not in self._places:
            try:
                self._places[text] = resolve_place(text, self.city)
            except RowError as exc:
                self._places[text] = exc
        resolved = self._places[text]
        if isinstance(resolved, RowError):
            raise resolved
        return resolved

    def _listed(self, key: str, text: str) -> Any:
        if (key, text) not in self._lists:
            model = LIST_MODELS[key]
            self._lists[(key, text)] = (
                model.objects.filter(name=text)
                .filter(Q(owner__isnull=True) | Q(owner=self.city))
                .first()
            )
        found = self._lists[(key, text)]
        if found is None:
            raise RowError(key, f"“{text}”不在{LABELS[key]}清单中")
        return found

    def _unit_named(self, text: str) -> Unit:
        if text not in self._units:
            self._units[text] = self.scope.filter(name=text).first()
        found = self._units[text]
        if found is None:
            raise RowError("responsible_unit", f"找不到责任单位“{text}”")
        return found

    def _look_up_names(self) -> None:
        """Every place, list entry and unit name the sheet holds, looked up now."""
        lookups: list[tuple[str, Callable[[str], Any]]] = [
            ("place", self._place), ("responsible_unit", self._unit_named),
            ("chain", partial(self._listed, "chain")),
            ("channel", partial(self._listed, "channel")),
            ("kind", partial(self._listed, "kind")), ("park", self._park),
        ]  # fmt: skip
        body = self.rows[self.layout.header_row + 1 :]
        for name, look_up in lookups:
            col = self._column.get(name)
            if col is None:
                continue
            for value in {fold(r[col]) for r in body if col < len(r)} - {""}:
                # An unknown name is remembered: the rows naming it are rejected when read.
                with contextlib.suppress(RowError):
                    look_up(value)

    def events(self, row: list[object], excel_row: int) -> list[tuple[dt.date, str, str]]:
        """The row's history: entry into the pipeline, dated stages, and the stated stage
        (on the sheet's 截至 date when the row gives it no date of its own)."""
        dates: dict[str, dt.date] = {}
        default_year = self.as_of.year if self.as_of else None
        how = self.as_of_how
        for key in DATE_FIELDS:
            try:
                day, guessed = parse_date(self.cell(row, key), default_year=default_year,
                                          as_of_how=self.as_of_how)  # fmt: skip
            except ValueError as exc:
                raise RowError(key, str(exc)) from None
            if day:
                dates[key] = day
                self._guessed = self._guessed or guessed
        try:
            stated = parse_stage(self.cell(row, "stage"))
        except ValueError as exc:
            raise RowError("stage", str(exc)) from None
        events: list[tuple[dt.date, str, str]] = [
            (dates[k], str(STAGE_OF_DATE[k]), "") for k in STAGE_OF_DATE if k in dates
        ]
        if stated and stated[0] != Stage.DROPPED and stated[0] in STAGE_OF_DATE.values():
            dated = [e for e in events if e[1] == stated[0]]
            if dated:
                events = [(d, s, stated[1] if s == stated[0] else k) for d, s, k in events]
            elif self.as_of:
                events.append((self.as_of, stated[0], stated[1]))
            else:
                said = text_of(self.cell(row, "stage"))
                raise RowError("stage", f"阶段“{said}”没有日期:请{how},或在表头给出“截至”日期")
        first_stage = (
            stated[0] if stated and stated[0] in (Stage.LEAD, Stage.NEGOTIATING) else Stage.LEAD
        )
        entered = dates.get("entered_on") or min((e[0] for e in events), default=self.as_of)
        if entered is None:
            raise RowError("entered_on", f"没有任何日期:请给出入库时间,或{how}")
        if events and events[0][0] < entered:
            entered = min(e[0] for e in events)
        history = [(entered, first_stage, ""), *sorted(events, key=lambda e: (e[0], RANK[e[1]]))]
        if stated and stated[0] == Stage.DROPPED:
            if not self.as_of:
                raise RowError("stage", f"终止的项目没有日期:请{how}")
            history.append((self.as_of, Stage.DROPPED, ""))
        # The first entry stands alone; the rest must be moves forward from it.
        return [history[0]] + [
            e for e in history[1:] if e[1] != history[0][1] or e[0] != history[0][0]
        ]

    # ── matching and writing ───────────────────────────────────────────────────
    def prefetch(self, parsed_rows: list[ParsedRow]) -> None:
        """The recorded projects the sheet's rows may describe, by code and normalised
        name, in a few queries for the whole sheet."""
        # By name (or code) alone, then the city's in Python: with the scope in the query the
        # database may walk every project of the city instead of the name index.
        if self._in_scope is None:
            self._in_scope = set(self.scope.values_list("id", flat=True))
            self._writable = self._writable_units()
        in_scope, writable = self._in_scope, self._writable
        names = sorted({p.key[0] for p in parsed_rows})
        codes = sorted({p.code for p in parsed_rows if p.code})
        # The projects the import may change, and the others of the city (clashes).
        self._by_name: dict[str, list[Project]] = {}
        self._by_code: dict[str, Project] = {}
        self._hidden_by_name: dict[str, list[Project]] = {}
        self._hidden_by_code: dict[str, Project] = {}
        for i in range(0, len(names), BATCH):
            found = (Project.objects.filter(normalized_name__any_of=names[i : i + BATCH])
                     .select_related("investor").order_by("pk"))  # fmt: skip
            for project in found:
                if project.unit_id in in_scope:
                    mine = writable is None or project.unit_id in writable
                    by_name = self._by_name if mine else self._hidden_by_name
                    by_name.setdefault(project.normalized_name, []).append(project)
        for i in range(0, len(codes), BATCH):
            for project in Project.objects.filter(code__any_of=codes[i : i + BATCH]):
                if project.unit_id in in_scope:
                    mine = writable is None or project.unit_id in writable
                    (self._by_code if mine else self._hidden_by_code)[project.code] = project

    def _writable_units(self) -> set[int] | None:
        """The units whose projects this import may change (None: all), see access.py."""
        units = (access.project_write_units(self.actor) if self.actor is not None
                 else Unit.objects.subtree(self.unit))  # fmt: skip
        return None if units is None else set(units.values_list("id", flat=True))

    def existing(self, parsed: ParsedRow) -> Project | None:
        """The recorded project this row describes (among those `prefetch` read): by its
        code (a re-imported export), else by normalised name with the same investor (name
        or credit code)."""
        return self._match(parsed, self._by_code, self._by_name)

    def clashing(self, parsed: ParsedRow) -> Project | None:
        """The project of the city outside the import's scope this row describes, if any:
        by its code, or by normalised name whatever the investor (DESIGN §7) — a row naming
        another unit's project is never added as a new one beside it."""
        if parsed.code and parsed.code in self._hidden_by_code:
            return self._hidden_by_code[parsed.code]
        held = self._hidden_by_name.get(parsed.key[0])
        return held[0] if held else None

    @staticmethod
    def _match(
        parsed: ParsedRow, by_code: dict[str, Project], by_name: dict[str, list[Project]]
    ) -> Project | None:
        if parsed.code and parsed.code in by_code:
            return by_code[parsed.code]
        name_key, investor_key, _ = parsed.key
        for project in by_name.get(name_key, []):
            inv = project.investor
            if parsed.credit_code and inv and inv.credit_code == parsed.credit_code:
                return project
            if (normalize_company_name(inv.name) if inv else "") == investor_key:
                return project
        return None

    def write(self, parsed: ParsedRow, project: Project | None) -> tuple[str, Project]:
        form = ProjectForm(data=parsed.data, instance=project, user=None, scope=self.scope)
        if project is not None:
            form = ProjectForm(data=self._merged(parsed.data, project), instance=project,
                               user=None, scope=self.scope)  # fmt: skip
        if not form.is_valid():
            field_name, messages = next(iter(form_errors(form).items()))
            raise RowError(field_name, "".join(messages))
        if project is None:
            data = dict(form.cleaned_data)
            typed = (data.pop("investor_name", "") or "").strip()
            if typed:  # matched as the fast path matches (`company_for_row`)
                data["investor"] = company_for_row(
                    name=typed, credit_code=parsed.credit_code, actor=self.actor, source=self.source
                )
            project = project_save(data=data, actor=self.actor, source=self.source)
            self._move(project, parsed.events[1:])
            self._replay(project, self.history.get(parsed.code, []))
            self._record_arrivals(project, parsed.code)
            return "created", project
        stored = Project.objects.get(pk=project.pk)  # the bound form has written onto `project`
        changed = [
            k for k, v in form.cleaned_data.items()
            if k in EDITABLE_FIELDS and k not in ("tags", "sponsors") and getattr(stored, k) != v
        ] + (["investor"] if form.cleaned_data.get("investor_name") else [])  # fmt: skip
        if "tags" in form.cleaned_data and {t.pk for t in form.cleaned_data["tags"]} != set(
            stored.tags.values_list("pk", flat=True)
        ):
            changed.append("tags")
        if changed:
            project_save(
                data=form.cleaned_data, actor=self.actor, project=project, source=self.source
            )
        recorded = self.history.get(parsed.code)
        moved = self._replay(project, recorded) if recorded else self._move(project, parsed.events)
        arrived = self._record_arrivals(project, parsed.code)
        return ("updated" if changed or moved or arrived else "unchanged"), project

    def _replay(self, project: Project, rows: list[HistoryRow]) -> bool:
        """An export's history over the project's: an entry already recorded (same action,
        stage, sign kind and date) is left as it is; the others are recorded as they were
        (moves, corrections and retractions of the entry with that number)."""
        moved = False
        for r in rows:
            known = project.stage_entries.filter(
                action=r.action, stage=r.stage, sign_kind=r.sign_kind, effective_on=r.effective_on
            )
            if known.exists():
                continue
            project.refresh_from_db()
            target = project.stage_entries.filter(in_effect=True, seq=r.seq).first()
            if r.action != EntryAction.MOVE and target is None:
                raise RowError("stage", f"{HISTORY_SHEET}中第{r.seq}条记录不在项目的阶段记录中")
            if r.action == EntryAction.CORRECTION:
                assert target is not None
                stage_entry_correct(entry=target, actor=self.actor, note=r.note or self.source,
                                    stage=r.stage, effective_on=r.effective_on,
                                    sign_kind=r.sign_kind, confirm_out_of_order=True)  # fmt: skip
            elif r.action == EntryAction.RETRACTION:
                assert target is not None
                stage_entry_retract(entry=target, actor=self.actor, note=r.note or self.source)
            elif project.stage == Stage.DROPPED and r.stage != Stage.DROPPED:
                project_revive(project=project, effective_on=r.effective_on, actor=self.actor,
                               stage=r.stage, note=r.note)  # fmt: skip
            else:
                dropped = "导入:表中标为终止" if r.stage == Stage.DROPPED else ""
                project_move_to_stage(project=project, stage=r.stage, sign_kind=r.sign_kind,
                                      effective_on=r.effective_on, actor=self.actor,
                                      source=self.source, note=r.note or dropped,
                                      confirm_out_of_order=True)  # fmt: skip
            moved = True
        return moved

    def _record_arrivals(self, project: Project, code: str) -> bool:
        """An export's arrivals of the project not yet recorded (same date, amount,
        currency and kind)."""
        added = False
        for a in self.arrivals.get(code, []):
            same = {"arrived_on": a.arrived_on, "amount": a.amount, "currency": a.currency,
                    "is_foreign": a.is_foreign}  # fmt: skip
            if project.arrivals.filter(**same).exists():
                continue
            capital_arrival_record(project=project, amount=a.amount, arrived_on=a.arrived_on,
                                   actor=self.actor, currency=a.currency, is_foreign=a.is_foreign,
                                   note=a.note, source=self.source, rate=a.rate)  # fmt: skip
            added = True
        return added

    def _merged(self, data: dict[str, Any], project: Project) -> dict[str, Any]:
        """The row's values over the project's: an empty cell does not erase what is known."""
        merged = project_form_data(project)
        if project.investor_id:
            merged["investor_name"] = project.investor.name  # type: ignore[union-attr]
        merged.update({k: v for k, v in data.items() if v not in (None, "")})
        merged["unit"] = project.unit.code  # an import does not hand projects to another unit
        if normalize_company_name(merged.get("investor_name", "")) == normalize_company_name(
            project.investor.name if project.investor else ""
        ):
            merged.pop("investor_name", None)
        return merged

    def _move(self, project: Project, events: list[tuple[dt.date, str, str]]) -> bool:
        moved = False
        history = project.stage_entries.filter(in_effect=True)
        recorded = list(history.values_list("effective_on", "seq", "stage"))
        for day, stage, kind in import_moves(recorded, events):
            project.refresh_from_db()
            note = "导入:表中标为终止" if stage == Stage.DROPPED else ""
            project_move_to_stage(project=project, stage=stage, sign_kind=kind, effective_on=day,
                                  actor=self.actor, source=self.source, note=note,
                                  confirm_out_of_order=True)  # fmt: skip
            moved = True
        return moved

    # ── the whole sheet ────────────────────────────────────────────────────────
    def run(self, *, dry_run: bool, all_or_nothing: bool, actor: Any = None) -> ImportReport:
        report = self.report
        report.dry_run = dry_run
        try:
            with transaction.atomic(), _collector_paused():
                self._import_rows()
                if dry_run or (all_or_nothing and report.rejected):
                    raise _Abort
                Clash.objects.bulk_create(self._clashed)
                ImportRun.objects.create(
                    file_name=self.file_name, sheet=self.sheet_name, unit=self.unit, run_by=actor,
                    created=report.created, updated=report.updated, unchanged=report.unchanged,
                    rejected=len(report.rejected), report=report.as_json(),
                )  # fmt: skip
        except _Abort:
            report.written = False
            if all_or_nothing and report.rejected and not dry_run:
                report.created = report.updated = report.unchanged = 0
        return report

    def _reject(self, index: int, field: str, reason: str) -> None:
        label = LABELS.get(field) or FORM_LABELS.get(field, field)
        self.report.rejected.append({"row": index + 1, "field": label, "reason": reason})

    def _import_rows(self) -> None:
        """Read the rows a chunk at a time — parsed and checked against the page's form,
        on other processor cores for a long sheet (see `_read_chunks`) — and add each
        chunk's new projects in bulk (see bulk.py); rows describing recorded projects (or
        an earlier row) then update them through the services, one by one."""
        report = self.report
        self._checker = RowChecker(self.scope, self.layout_fields())
        self._today = timezone.localdate()
        summed = Decimal(0)  # the 总投资 of the rows so far, for a total row's check
        first_of: dict[
            tuple[str, str, str], tuple[int, int | Project]
        ] = {}  # key → (row, pk|project)
        later: list[tuple[int, ParsedRow]] = []
        codes = CodeBook(code_prefix_for(self.unit))
        for items in self._read_chunks():
            rows: list[tuple[int, ParsedRow, Draft | None, tuple[str, str] | None]] = []
            for item in items:
                if item[0] == "total":
                    self._check_total(item[1], self.rows[item[1]], summed)
                elif item[0] == "reject":
                    self._reject(item[1], item[2], item[3])
                else:
                    _, index, parsed, draft, invalid, amount = item
                    rows.append((index, parsed, draft, invalid))
                    if amount is not None:
                        summed += Decimal(amount)
                    if parsed.guessed_year:
                        report.guessed_years.append(parsed.row)
            self._chunk(rows, first_of, later, codes)
        codes.save()
        for index, slim in later:
            target = first_of[slim.key][1]
            parsed = self.parse(index, self.rows[index])  # in full: read_span sent the key
            project = Project.objects.get(pk=target) if isinstance(target, int) else target
            try:
                with transaction.atomic():  # a savepoint: a failing row leaves nothing behind
                    outcome, _ = self.write(parsed, project)
            except RowError as exc:
                self._reject(index, exc.field, exc.reason)
                continue
            except ValidationError as exc:
                self._reject(index, "", "".join(exc.messages))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        for code, parent in self._parent_later.items():
            if code in self._new and parent in self._new:
                child = Project.objects.get(pk=self._new[code])
                project_update(project=child, actor=self.actor, source=self.source,
                               parent=Project.objects.get(pk=self._new[parent]))  # fmt: skip
        for code, (index, pk) in self._created.items():  # history and arrivals of new projects
            try:
                with transaction.atomic():
                    project = Project.objects.get(pk=pk)
                    self._replay(project, self.history.get(code, []))
                    self._record_arrivals(project, code)
            except RowError as exc:
                self._reject(index, exc.field, exc.reason)
            except ValidationError as exc:
                self._reject(index, "", "".join(exc.messages))
        report.rejected.sort(key=lambda r: r["row"])

    def read_span(self, start: int, rows: list[list[object]]) -> list[tuple[Any, ...]]:
        """`rows`, the sheet's rows from `start` on, read: ("total", i) for a total row,
        ("reject", i, field, reason) for a row that cannot be read, ("row", i, parsed,
        draft, invalid, amount) for the others — `parsed` only what matching needs
        (`ParsedRow.slim`: results travel between processes), `draft` the rows of the new
        project it would add if it passes the form, else `invalid` (field, reason), and its
        总投资 for the total row's check.
        No query here (a worker process runs it)."""
        items: list[tuple[Any, ...]] = []
        for index, row in enumerate(rows, start):
            if all(fold(c) == "" for c in row):
                continue
            name = fold(self.cell(row, "name"))
            if TOTAL_ROW.match(name) or TOTAL_ROW.match(fold(row[0] if row else "")):
                items.append(("total", index))
                continue
            try:
                parsed = self.parse(index, row)
            except RowError as exc:
                items.append(("reject", index, exc.field, exc.reason))
                continue
            try:
                check_dates(parsed.events, self._today)
                cleaned = self._checker.check(parsed.data)
            except InvalidRow as exc:
                items.append(("row", index, parsed.slim(), None, (exc.field, exc.reason),
                              parsed.data.get("total_investment")))  # fmt: skip
                continue
            items.append(("row", index, parsed.slim(), draft_project(parsed, cleaned, self.source),
                          None, parsed.data.get("total_investment")))  # fmt: skip
        return items

    def _read_chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        """`read_span` over the sheet, a chunk at a time, in order. A sheet of several
        chunks is read by worker processes (forked: they share what this one has looked
        up, and never query) while this process writes the chunks before: reading and
        checking is half an import's work, and Python runs it on one core at a time."""
        first, end = self.layout.header_row + 1, len(self.rows)
        size = settings.IMPORT_CHUNK
        spans = [(i, min(i + size, end)) for i in range(first, end, size)]
        workers = settings.IMPORT_WORKERS if self.workers is None else self.workers
        if any(f in self._column for f in QUERYING_FIELDS):
            workers = 0  # their form checks query the database, which a worker may not
        if len(spans) < 2 or workers < 1 or "fork" not in mp.get_all_start_methods():
            for start, stop in spans:
                yield self.read_span(start, self.rows[start:stop])
            return
        self._look_up_names()
        global _SERVING
        _SERVING = self
        try:
            with mp.get_context("fork").Pool(workers, initializer=_worker_start) as pool:
                # Each worker gets its rows sent, not read from the memory it shares with
                # this process: touching a Python object writes its reference count, and
                # the page holding it would be copied — the whole sheet again, by the end.
                rest = pool.imap(_read_span, ((a, self.rows[a:b]) for a, b in spans[1:]))
                first, stop = spans[0]
                yield self.read_span(first, self.rows[first:stop])  # while the workers start
                yield from rest
        finally:
            _SERVING = None

    def _chunk(
        self,
        rows: list[tuple[int, ParsedRow, Draft | None, tuple[str, str] | None]],
        first_of: dict[tuple[str, str, str], tuple[int, int | Project]],
        later: list[tuple[int, ParsedRow]],
        codes: CodeBook,
    ) -> None:
        """Match a chunk's rows against the sheet so far and the books, and add its new
        projects."""
        report = self.report
        self.prefetch([p for _, p, _, _ in rows])
        new: list[tuple[ParsedRow, Draft]] = []
        pending: dict[tuple[str, str, str], int] = {}
        for index, parsed, draft, invalid in rows:
            first = first_of.get(parsed.key)
            if first is not None or parsed.key in pending:
                of_row = first[0] if first is not None else new[pending[parsed.key]][0].row
                report.duplicates.append({"row": parsed.row, "of_row": of_row, "existing": None})
                later.append((index, parsed))
                continue
            project = self.existing(parsed)
            if project is None and (held := self.clashing(parsed)) is not None:
                self._clash(parsed, held)
                continue
            if project is not None:
                report.duplicates.append({"row": parsed.row, "of_row": None,
                                          "existing": project.code})  # fmt: skip
                first_of[parsed.key] = (parsed.row, project)
                later.append((index, parsed))
                continue
            if self.one_by_one:
                self._write_one(index, parsed, first_of)
                continue
            if draft is None:
                assert invalid is not None
                self._reject(index, *invalid)
                continue
            pending[parsed.key] = len(new)
            new.append((parsed, draft))
        if not new:
            return
        register = Register([(d.investor, p.credit_code) for p, d in new])
        pool = IdPool({
            Project: len(new), Company: register.missing,
        })  # fmt: skip
        batch = Batch(self.source, timezone.now(), pool, register, codes,
                      getattr(self.actor, "pk", None))  # fmt: skip
        pks = create_projects(new, batch)
        register.save(actor=self.actor, source=self.source)
        for (parsed, _), pk in zip(new, pks, strict=True):
            first_of[parsed.key] = (parsed.row, pk)
            self._new[parsed.code] = pk
            if parsed.code in self.arrivals or parsed.code in self.history:
                self._created[parsed.code] = (parsed.row - 1, pk)
        report.created += len(pks)

    def _clash(self, parsed: ParsedRow, held: Project) -> None:
        """A row describing `held`, a project outside the import's scope: reported with no
        word of that project, recorded for the city (when the import writes)."""
        self.report.clashes.append({"row": parsed.row, "reason": CLASH_REASON})
        row = self.rows[parsed.row - 1]
        self._clashed.append(Clash(
            kind=ClashKind.IMPORT, city=self.city, unit=self.unit, held_by_id=held.unit_id,
            project=held, actor=self.actor, source=self.source, row=parsed.row,
            name=str(self.cell(row, "name") or "").strip()[:200],
            investor_name=str(self.cell(row, "investor") or "").strip()[:200],
        ))  # fmt: skip

    def _write_one(
        self,
        index: int,
        slim: ParsedRow,
        first_of: dict[tuple[str, str, str], tuple[int, int | Project]],
    ) -> None:
        """A new row through the form and the services, as a page would add it."""
        parsed = self.parse(index, self.rows[index])
        try:
            with transaction.atomic():
                _, project = self.write(parsed, None)
        except RowError as exc:
            self._reject(index, exc.field, exc.reason)
            return
        except ValidationError as exc:
            self._reject(index, "", "".join(exc.messages))
            return
        first_of[slim.key] = (slim.row, project.pk)
        self._new[slim.code] = project.pk
        self.report.created += 1

    def layout_fields(self) -> set[str]:
        """The form fields a row of this sheet can fill."""
        fields = {"name", "unit", "effective_on", "stage", "sign_kind", "investor_name",
                  "description", "total_investment_approx"}  # fmt: skip
        mapped = set(self.layout.columns.values())
        fields |= {f for f in ("total_investment", "contracted_foreign", "chain", "channel",
                               "responsible_unit") if f in mapped}  # fmt: skip
        if "place" in mapped:
            fields.add("region")
        return fields | (mapped & set(EXTRA_FIELDS))

    def _check_total(self, index: int, row: list[object], summed: Decimal) -> None:
        col = self.layout.column_of("total_investment")
        stated = None
        if col is not None:
            try:
                parsed = parse_amount(
                    row[col] if col < len(row) else None, unit=self.layout.units[col]
                )
                stated = parsed.wan if parsed else None
            except ValueError:
                stated = None
        matches = stated is None or stated == summed
        self.report.total_row_check = {
            "row": index + 1, "matches": matches,
            "stated_wan": None if stated is None else plain(stated),
            "sum_wan": plain(summed),
        }  # fmt: skip


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a sheet is imported: its full passes walk
    every object alive — the whole sheet — again and again (a sixth of a 100,000-row
    import), and an import's rows hold no cycles to collect."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_SERVING: SheetImporter | None = None  # the import a forked worker reads for


def _worker_start() -> None:
    """In a worker process: any query is a bug (the connection is the parent's)."""

    def refuse(*args: Any) -> None:
        raise RuntimeError("导入的工作进程不应访问数据库")

    for conn in connections.all(initialized_only=True):
        conn.execute_wrappers.append(refuse)


def _read_span(part: tuple[int, list[list[object]]]) -> list[tuple[Any, ...]]:
    assert _SERVING is not None
    return _SERVING.read_span(*part)


def history_events(rows: list[HistoryRow]) -> list[tuple[dt.date, str, str]]:
    """The event a new project is created with from an export's history: its first entry
    as first recorded; the rest are replayed through the services (`_replay`), so
    corrections, retractions and notes come back as they were."""
    first = next((r for r in rows if r.action == EntryAction.MOVE), None)
    if first is None or first.stage == Stage.DROPPED:
        raise RowError("stage", f"{HISTORY_SHEET}中该项目的第一条记录应为登记的阶段")
    return [(first.effective_on, first.stage, first.sign_kind)]


def text_of(value: object) -> str:
    return str(value or "").strip()


def import_projects(
    *,
    path: Path,
    unit: Unit,
    as_of: dt.date | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    actor: Any = None,
    file_name: str | None = None,
    mapping: dict[int, str] | None = None,
    workers: int | None = None,
    one_by_one: bool = False,
    as_of_how: str = AS_OF_CLI,
) -> ImportReport:
    """Import a project sheet into `unit` (see the module docstring) as `actor` (None: the
    command line acting for `unit`): it matches and changes only what `actor` may write, and
    its history rows name both `actor` and the file. `workers`:
    processes reading a long sheet (default settings.IMPORT_WORKERS; 0 in a web server,
    whose other threads a fork would not carry along). `as_of_how`: how the reader gives a
    截至日期, named in the reasons of rows that need one (values.AS_OF_CLI or AS_OF_WEB)."""
    importer = SheetImporter(
        path=path,
        unit=unit,
        as_of=as_of,
        sheet=sheet,
        file_name=file_name,
        mapping=mapping,
        actor=actor,
        as_of_how=as_of_how,
    )
    if workers is not None:
        importer.workers = workers
    importer.one_by_one = one_by_one
    return importer.run(dry_run=dry_run, all_or_nothing=all_or_nothing, actor=actor)
