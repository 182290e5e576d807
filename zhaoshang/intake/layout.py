"""Finding the table in an office's sheet: title lines above it, the header row, what each
column holds and in which unit. Django-free."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.intake.values import HEADER_UNITS, remembered

# Field → header words, most specific first. Headers are compared without spaces,
# brackets' contents (units) and full-width forms.
SYNONYMS: dict[str, list[str]] = {
    "code": ["项目编号", "编号"],
    "name": ["项目名称", "项目"],
    "total_investment": ["计划总投资", "总投资额", "总投资", "投资额", "投资总额"],
    "contracted_foreign": ["合同外资", "利用外资", "外资"],
    "place": ["所在地", "属地", "县(市)区", "县市区", "所属区域", "落地区域", "地区", "区域"],
    "stage": ["项目进展", "进展情况", "进展", "阶段", "项目阶段", "状态"],
    "entered_on": ["入库时间", "首次对接时间", "对接时间", "入库日期"],
    "signed_on": ["签约时间", "签约日期"],
    "landed_on": ["落地时间", "注册时间", "落地日期", "注册日期"],
    "construction_on": ["开工时间", "开工日期"],
    "operating_on": ["投产时间", "竣工时间", "投产日期"],
    "investor": ["投资方", "投资主体", "企业名称", "投资企业", "签约企业"],
    "credit_code": ["统一社会信用代码", "信用代码"],
    "responsible_unit": ["责任单位"],
    "chain": ["产业链", "所属产业", "产业类别"],
    "channel": ["招商渠道", "渠道"],
    "arrived": ["到资", "实际到资", "到位资金"],
    "note": ["备注"],
    # The rest of the project form, as the export heads it.
    "park": ["园区"],
    "kind": ["项目类型"],
    "tags": ["标签", "项目标签"],
    "introducer": ["引荐人"],
    "introducer_company": ["引荐企业"],
    "parent": ["母项目编号", "母项目"],
    "is_provincial_key": ["省重点"],
    "is_city_key": ["市重点"],
    "foreign_target": ["利用外资目标"],
    "expected_arrival_on": ["预计下次到资日期"],
    "expected_arrival_amount": ["预计下次到资金额"],
    "description": ["项目概况"],
}
LABELS = {
    "code": "项目编号",
    "name": "项目名称", "total_investment": "总投资", "contracted_foreign": "合同外资",
    "place": "所在地", "stage": "项目进展", "entered_on": "入库时间", "signed_on": "签约时间",
    "landed_on": "落地时间", "construction_on": "开工时间", "operating_on": "投产时间",
    "investor": "投资方", "credit_code": "统一社会信用代码", "responsible_unit": "责任单位",
    "chain": "产业链", "channel": "招商渠道", "arrived": "到资", "note": "备注",
    "park": "园区", "kind": "项目类型", "tags": "标签", "introducer": "引荐人",
    "introducer_company": "引荐企业", "parent": "母项目编号", "is_provincial_key": "省重点",
    "is_city_key": "市重点", "foreign_target": "利用外资目标",
    "expected_arrival_on": "预计下次到资日期", "expected_arrival_amount": "预计下次到资金额",
    "description": "项目概况",
}  # fmt: skip
_UNIT_IN_HEADER = re.compile(r"[((]\s*(亿美元|万美元|亿元|万元|元)\s*[))]")
_UNIT_LINE = re.compile(r"单位\s*[::]\s*(亿元|万元|元)")
_USD_IN_UNIT_LINE = re.compile(r"单位\s*[::].*?(亿美元|万美元)")
USD_FIELDS = ("contracted_foreign", "foreign_target")
_AS_OF = re.compile(r"截[至止]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?")
_FILLER = re.compile(r"填报单位\s*[::]\s*(\S+)")


_SPACE = re.compile(r"\s+")


@remembered
def fold(text: object) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text or "")))


@dataclass
class Layout:
    header_row: int  # 0-based index into the rows
    columns: dict[int, str]  # column index → field
    units: dict[int, tuple[Decimal, str]] = field(default_factory=dict)
    as_of: dt.date | None = None
    filler: str = ""
    headers: list[str] = field(default_factory=list)  # the header cells as written
    from_template: bool = False

    @property
    def signature(self) -> str:
        return header_signature(self.headers)

    def column_of(self, name: str) -> int | None:
        """The first column holding `name` (asked for every cell of every row: kept in a
        dict built once)."""
        index = self.__dict__.get("_index")
        if index is None:
            index = {}
            for c, f in self.columns.items():
                index.setdefault(f, c)
            self.__dict__["_index"] = index
        return index.get(name)


def header_field(cell: object) -> str | None:
    text = _UNIT_IN_HEADER.sub("", fold(cell))
    text = re.sub(r"[((].*?[))]", "", text) if text not in ("县(市)区",) else text
    for name, words in SYNONYMS.items():
        if text in words:
            return name
    for name, words in SYNONYMS.items():  # "总投资额(亿元)" style remnants
        if any(text.startswith(w) for w in words if len(w) >= 3):
            return name
    return None


def _title_facts(
    rows: list[list[object]], upto: int
) -> tuple[str | None, str | None, dt.date | None, str]:
    unit, usd_unit, as_of, filler = None, None, None, ""
    for row in rows[:upto]:
        for cell in row:
            text = fold(cell)
            if m := _UNIT_LINE.search(text):
                unit = m[1]
            if m := _USD_IN_UNIT_LINE.search(text):
                usd_unit = m[1]
            if m := _AS_OF.search(text):
                year, month = int(m[1]), int(m[2])
                day = int(m[3]) if m[3] else _last_day(year, month)
                as_of = dt.date(year, month, day)
            if m := _FILLER.search(text):
                filler = m[1]
    return unit, usd_unit, as_of, filler


def _last_day(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def header_signature(cells: Sequence[object]) -> str:
    """What identifies a sheet's layout: its header cells, folded. Sheets with the same
    headers share a saved column mapping."""
    import hashlib

    text = "|".join(fold(c) for c in cells).rstrip("|")
    return hashlib.sha1(text.encode()).hexdigest()


def layout_at(rows: list[list[object]], index: int, columns: dict[int, str]) -> Layout:
    """The layout of a sheet whose header is row `index`, with the given column mapping."""
    row = rows[index]
    unit_word, usd_word, as_of, filler = _title_facts(rows, index)
    cny = HEADER_UNITS[unit_word or "万元"]
    usd = HEADER_UNITS[usd_word or "万美元"]
    units = {}
    for c, f in columns.items():
        m = _UNIT_IN_HEADER.search(fold(row[c])) if c < len(row) else None
        units[c] = HEADER_UNITS[m[1]] if m else (usd if f in USD_FIELDS else cny)
    headers = [str(c or "").strip() for c in row]
    return Layout(index, dict(columns), units, as_of, filler, headers)


def find_layout(
    rows: list[list[object]],
    *,
    templates: dict[str, dict[int, str]] | None = None,
    search: int = 30,
) -> Layout:
    """The header row and what each column holds. A row whose headers match a saved
    template takes that template's mapping; otherwise the first row (within `search`) whose
    cells name a project column and at least one other known column is the header. Lines
    above it are titles ("单位:亿元", "截至…")."""
    for index, row in enumerate(rows[:search]):
        saved = (templates or {}).get(header_signature(row))
        if saved and "name" in saved.values():
            layout = layout_at(rows, index, saved)
            layout.from_template = True
            return layout
        columns = {c: f for c, cell in enumerate(row) if (f := header_field(cell))}
        if "name" in columns.values() and len(set(columns.values())) >= 2:
            seen: dict[str, int] = {}  # the first column for each field
            for c, f in sorted(columns.items()):
                seen.setdefault(f, c)
            return layout_at(rows, index, {c: f for f, c in seen.items()})
    raise ValueError(
        "找不到表头:前30行中没有同时含“项目名称”和其他已知列(如总投资、所在地、进展)的行"
    )
