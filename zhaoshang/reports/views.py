"""The briefing, the standard tables and the rolling lists, for a unit in the user's scope
(another unit is "not found")."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from zhaoshang.figures.periods import period_parse, period_spec
from zhaoshang.projects.models import Project
from zhaoshang.reports.briefing import Fig, briefing_build
from zhaoshang.reports.document import briefing_docx
from zhaoshang.reports.rolling import (
    expected_arrivals,
    expected_arrivals_table,
    signed_not_landed,
    signed_not_landed_table,
)
from zhaoshang.reports.tables import standard_tables
from zhaoshang.reports.xlsx import tables_xlsx
from zhaoshang.web.scoping import scope_from_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(request: HttpRequest, key: str, default: dt.date | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get(key) or "")
    except ValueError:
        return default


def _download(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def briefing(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit, choices = scope_from_request(request)
    as_of = min(_date(request, "as_of", today) or today, today)
    since = _date(request, "since", None)
    error = ""
    try:
        built = briefing_build(user=request.user, unit=unit, as_of=as_of, since=since)
    except ValueError as exc:
        built, error = briefing_build(user=request.user, unit=unit, as_of=as_of), str(exc)
    fmt = request.GET.get("format")
    stem = f"briefing-{unit.code}-{as_of:%Y%m%d}"
    if fmt == "docx":
        return _download(briefing_docx(built), DOCX, f"{stem}.docx")
    if fmt == "json":
        return JsonResponse(built.as_json(), json_dumps_params={"ensure_ascii": False})
    if fmt == "text":
        return HttpResponse(built.text, content_type="text/plain; charset=utf-8")
    return render(
        request,
        "reports/briefing.html",
        {
            "b": built,
            "choices": choices,
            "error": error,
            "Fig": Fig,
            "query": request.GET.urlencode(),
        },
    )


def tables(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit, choices = scope_from_request(request)
    as_of = min(_date(request, "as_of", today) or today, today)
    projects = Project.objects.visible_under(request.user, unit)
    found = standard_tables(projects=projects, scope=unit, as_of=as_of, today=today)
    date_line = f"截至{as_of.year}年{as_of.month}月{as_of.day}日"
    if request.GET.get("export") == "xlsx":
        return _download(
            tables_xlsx(found, date_line), XLSX, f"tables-{unit.code}-{as_of:%Y%m%d}.xlsx"
        )
    return render(
        request,
        "reports/tables.html",
        {
            "tables": found,
            "unit": unit,
            "choices": choices,
            "as_of": as_of,
            "date_line": date_line,
            "query": request.GET.urlencode(),
        },
    )


def signed_not_landed_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit, choices = scope_from_request(request)
    projects = Project.objects.visible_under(request.user, unit)
    if request.GET.get("export") == "xlsx":
        table = signed_not_landed_table(projects, today, f"{unit.name}已签约未落地项目清单")
        return _download(
            tables_xlsx([table], f"截至{today:%Y年%m月%d日}"),
            XLSX,
            f"signed-not-landed-{unit.code}.xlsx",
        )
    return render(
        request,
        "reports/signed_not_landed.html",
        {
            "rows": signed_not_landed(projects, today),
            "unit": unit,
            "choices": choices,
            "query": request.GET.urlencode(),
        },
    )


def expected_arrivals_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit, choices = scope_from_request(request)
    default = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    error = ""
    try:
        period = period_parse(request.GET.get("period") or default)
    except ValueError as exc:
        period, error = period_parse(default), str(exc)
    projects = Project.objects.visible_under(request.user, unit)
    if request.GET.get("export") == "xlsx" and not error:
        table = expected_arrivals_table(
            projects, period, f"{unit.name}{period.label}可望到资项目清单"
        )
        return _download(
            tables_xlsx([table], f"{period.label}"),
            XLSX,
            f"expected-arrivals-{unit.code}-{period_spec(period)}.xlsx",
        )
    groups = expected_arrivals(projects, period)
    return render(
        request,
        "reports/expected.html",
        {
            "groups": groups,
            "unit": unit,
            "choices": choices,
            "period": period,
            "spec": period_spec(period),
            "error": error,
            "query": request.GET.urlencode(),
            "total": sum((g[2] for g in groups), start=0),
        },
    )
