"""Importing a sheet of visits and inspections (`zhaoshang import contacts`): the same
engine as projects — the safe reader, the header found below title lines, the date
parsers, "截至" / --as-of for yearless dates, one transaction, bad rows rejected with
their row, field and reason — and each row through ContactForm and `contact_log`, as on
the page. A row already recorded (same unit, company, date and kind) is left as it is, so
importing the same sheet again changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.companies.models import Company
from zhaoshang.fieldwork.forms import ContactForm
from zhaoshang.fieldwork.models import Contact, ContactKind
from zhaoshang.fieldwork.services import contact_log
from zhaoshang.intake.importer import sheet_limits
from zhaoshang.intake.layout import fold
from zhaoshang.intake.sheets import read_rows
from zhaoshang.intake.values import parse_date
from zhaoshang.org import access
from zhaoshang.org.access import SYSTEM
from zhaoshang.org.models import Unit
from zhaoshang.projects.forms import form_errors
from zhaoshang.projects.models import Project

HEADERS: dict[str, list[str]] = {
    "contacted_on": ["日期", "拜访日期", "拜访时间", "对接时间", "对接日期", "来访时间", "时间"],
    "company_name": ["企业名称", "拜访企业", "对接企业", "来访单位", "企业", "客商", "单位名称"],
    "kind": ["方式", "对接方式", "类型", "形式"],
    "project_codes": ["项目编号"],
    "project_name": ["项目名称", "对接项目", "项目"],
    "our_people": ["我方人员", "参加人员", "带队领导", "拜访人员"],
    "their_people": ["对方人员", "对方", "接待人员", "来访人员"],
    "outcome": ["洽谈情况", "对接情况", "洽谈内容", "主要内容", "成果", "情况"],
    "next_step": ["下一步", "下步工作", "下一步工作", "后续安排"],
    "follow_up_on": ["跟进日期", "跟进时间", "下次跟进"],
}
LABELS = {"contacted_on": "日期", "company_name": "企业", "kind": "方式", "outcome": "洽谈情况",
          "next_step": "下一步", "follow_up_on": "跟进日期", "project_codes": "项目编号",
          "our_people": "我方人员", "their_people": "对方人员", "unit": "单位"}  # fmt: skip
KIND_WORDS = {"拜访": ContactKind.VISIT, "外出拜访": ContactKind.VISIT, "走访": ContactKind.VISIT,
              "来访": ContactKind.INSPECTION, "来访考察": ContactKind.INSPECTION,
              "考察": ContactKind.INSPECTION, "云招商": ContactKind.ONLINE,
              "视频": ContactKind.ONLINE, "线上": ContactKind.ONLINE, "电话": ContactKind.ONLINE,
              "活动洽谈": ContactKind.EVENT_TALK, "活动": ContactKind.EVENT_TALK}  # fmt: skip


@dataclass
class ContactReport:
    created: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    written: bool = True
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"created": self.created, "unchanged": self.unchanged, "rejected": self.rejected,
                "written": self.written}  # fmt: skip


class _Abort(Exception):
    pass


def _columns(rows: list[list[object]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:30]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            text = fold(cell)
            for key, words in HEADERS.items():
                if text in words and key not in found:
                    found[key] = c
        if "company_name" in found and "contacted_on" in found:
            return index, found
    raise ValueError("找不到表头:前30行中没有同时含“日期”和“企业名称”的行")


def _as_of(rows: list[list[object]], upto: int) -> dt.date | None:
    from zhaoshang.intake.layout import _title_facts

    return _title_facts(rows, upto)[2]


def import_contacts(
    *, path: Path, unit: Unit, as_of: dt.date | None = None, dry_run: bool = False,
    all_or_nothing: bool = False, actor: Any = None, file_name: str | None = None,
) -> ContactReport:  # fmt: skip
    _, rows = read_rows(path, limits=sheet_limits())
    header, cols = _columns(rows)
    as_of = as_of or _as_of(rows, header)
    source = f"导入自 {file_name or path.name}"
    report = ContactReport(dry_run=dry_run)
    user = actor or SYSTEM
    try:
        with transaction.atomic():
            for index in range(header + 1, len(rows)):
                _row(index, rows[index], cols, unit, as_of, user, actor, source, report)
            if dry_run or (all_or_nothing and report.rejected):
                raise _Abort
    except _Abort:
        report.written = False
        if all_or_nothing and report.rejected and not dry_run:
            report.created = report.unchanged = 0
    return report


def _cell(row: list[object], cols: dict[str, int], key: str) -> object:
    c = cols.get(key)
    return row[c] if c is not None and c < len(row) else None


def _row(index: int, row: list[object], cols: dict[str, int], unit: Unit, as_of: dt.date | None,
         user: Any, actor: Any, source: str, report: ContactReport) -> None:  # fmt: skip
    if all(fold(c) == "" for c in row):
        return
    excel_row = index + 1

    def reject(key: str, reason: str) -> None:
        report.rejected.append({"row": excel_row, "field": LABELS.get(key, key), "reason": reason})

    data: dict[str, Any] = {"unit": unit.code}
    for key in ("contacted_on", "follow_up_on"):
        try:
            day, _ = parse_date(_cell(row, cols, key), default_year=as_of.year if as_of else None)
        except ValueError as exc:
            return reject(key, str(exc))
        data[key] = day.isoformat() if day else ""
    kind_text = fold(_cell(row, cols, "kind"))
    if kind_text and kind_text not in KIND_WORDS and kind_text not in ContactKind.values:
        return reject("kind", f"未知对接方式“{kind_text}”,可选:拜访、来访考察、云招商、活动洽谈")
    data["kind"] = KIND_WORDS.get(kind_text, kind_text or ContactKind.VISIT)
    for key in ("company_name", "outcome", "next_step", "project_codes", "our_people",
                "their_people"):  # fmt: skip
        value = _cell(row, cols, key)
        data[key] = "" if value is None else str(value).strip()
    if not data["outcome"]:
        data["outcome"] = "(导入,表中未写洽谈情况)"
    form = ContactForm(data=data, user=user)
    if not form.is_valid():
        key, messages = next(iter(form_errors(form).items()))
        return reject(key, "".join(messages))
    linked = list(form.cleaned_data.get("project_codes") or [])
    if actor is None and linked:  # acting for the unit: only the projects it reads
        readable = Project.objects.filter(access.project_read_q_for_unit(unit))
        hidden = [p.code for p in linked if not readable.filter(pk=p.pk).exists()]
        if hidden:
            return reject("project_codes", f"找不到项目编号“{'、'.join(hidden)}”")
    company = Company.objects.matching_name(data["company_name"]).order_by("pk").first()
    day = form.cleaned_data["contacted_on"]
    if company and Contact.objects.filter(unit=unit, company=company, contacted_on=day,
                                          kind=form.cleaned_data["kind"]).exists():  # fmt: skip
        report.unchanged += 1
        return None
    try:
        with transaction.atomic():
            contact_log(data=form.service_data(actor), actor=actor, source=source)
    except ValidationError as exc:
        key, messages = next(iter(exc.message_dict.items())) if hasattr(exc, "error_dict") else (
            "", exc.messages)  # fmt: skip
        return reject(key, "".join(messages))
    report.created += 1
    return None
