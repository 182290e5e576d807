"""The import page: upload a sheet, see what would happen (a dry run), correct the column
mapping if needed (and save it for sheets with the same headers), then confirm."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhaoshang.intake.forms import SheetUploadForm
from zhaoshang.intake.importer import import_projects
from zhaoshang.intake.layout import LABELS
from zhaoshang.intake.models import Clash, ImportRun, MappingTemplate
from zhaoshang.intake.sheets import SheetError
from zhaoshang.intake.values import AS_OF_WEB
from zhaoshang.org.access import (
    can_see_clashes,
    can_write,
    can_write_unit,
    clash_read_q,
    filter_by,
    units_in_scope,
)
from zhaoshang.org.models import Unit, UnitKind


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    context.setdefault("form", SheetUploadForm(user=request.user))
    context["runs"] = ImportRun.objects.filter(unit__in=units_in_scope(request.user))[:10]
    context["fields"] = [("", "(不导入)"), *LABELS.items()]
    return render(request, "intake/import.html", context)


def sheet_import(request: HttpRequest) -> HttpResponse:
    if not can_write(request.user):
        raise PermissionDenied("无权导入项目")
    if request.POST.get("action") in ("confirm", "remap"):
        return _again(request)
    form = SheetUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return _page(request, form=form)
    unit = form.cleaned_data["unit"]
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(f"无权向“{unit.name}”导入")
    upload = form.cleaned_data["file"]
    stored = _upload_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(stored, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job = {"stored": stored.name, "file_name": upload.name, "unit": unit,
           "as_of": form.cleaned_data["as_of"],
           "all_or_nothing": form.cleaned_data["all_or_nothing"]}  # fmt: skip
    try:
        report = _run(job, dry_run=True, actor=request.user)
    except (SheetError, ValueError) as exc:
        stored.unlink(missing_ok=True)
        form.add_error("file", str(exc))
        return _page(request, form=form)
    return _page(request, form=form, report=report, job=job)


def _job(request: HttpRequest) -> dict[str, Any]:
    """The upload a preview or confirmation refers to (kept under MEDIA_ROOT/imports)."""
    stored = request.POST.get("stored", "")
    if not stored or Path(stored).name != stored or not (_upload_dir() / stored).exists():
        raise Http404("没有找到上传的文件,请重新上传")
    unit = units_in_scope(request.user).filter(code=request.POST.get("unit", "")).first()
    if unit is None:
        raise Http404("没有找到该单位")
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(f"无权向“{unit.name}”导入")
    as_of = request.POST.get("as_of")
    mapping = {int(k[4:]): v for k, v in request.POST.items() if k.startswith("col_") and v}
    return {"stored": stored, "file_name": request.POST.get("file_name") or stored, "unit": unit,
            "as_of": dt.date.fromisoformat(as_of) if as_of else None,
            "all_or_nothing": request.POST.get("all_or_nothing") == "1",
            "mapping": mapping or None}  # fmt: skip


def _run(job: dict[str, Any], *, dry_run: bool, actor: Any = None) -> Any:
    return import_projects(
        path=_upload_dir() / job["stored"], unit=job["unit"], as_of=job["as_of"],
        dry_run=dry_run, all_or_nothing=job["all_or_nothing"], actor=actor,
        file_name=job["file_name"], mapping=job.get("mapping"),
        workers=0,  # no fork in a web server's process
        as_of_how=AS_OF_WEB,  # the page's own 截至日期 field, not the command line's option
    )  # fmt: skip


def _again(request: HttpRequest) -> HttpResponse:
    job = _job(request)
    try:
        if request.POST["action"] == "remap":
            report = _run(job, dry_run=True, actor=request.user)
            if request.POST.get("save_template") and report.layout:
                _save_template(request, job["unit"], report.layout)
            return _page(request, report=report, job=job, remapped=True)
        report = _run(job, dry_run=False, actor=request.user)
    except (SheetError, ValueError) as exc:
        return _page(request, error=str(exc))
    (_upload_dir() / job["stored"]).unlink(missing_ok=True)
    return _page(request, done=report, unit=job["unit"])


def _save_template(request: HttpRequest, unit: Unit, layout: Any) -> None:
    city = unit.ancestor_of_kind(UnitKind.CITY) or unit
    mapping = {str(c): f for c, f in layout.columns.items()}
    MappingTemplate.objects.update_or_create(
        city=city,
        signature=layout.signature,
        defaults={"headers": layout.headers, "mapping": mapping, "saved_by": request.user},
    )


def clash_list(request: HttpRequest) -> HttpResponse:
    """撞单: rows and texts that described another unit's project, both sides shown, for the
    city's administrators to rule on; anyone else is told the page does not exist."""
    if not can_see_clashes(request.user):
        raise Http404("没有找到该页面")
    clashes = filter_by(Clash.objects.all(), clash_read_q(request.user)).select_related(
        "unit", "held_by", "project", "project__unit", "actor"
    )
    page = Paginator(clashes, 50).get_page(request.GET.get("page"))
    return render(request, "intake/clash_list.html", {"page": page})
