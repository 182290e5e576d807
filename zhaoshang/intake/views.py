"""The import page: upload a sheet, see what would happen (a dry run), then confirm."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhaoshang.intake.forms import SheetUploadForm
from zhaoshang.intake.importer import import_projects
from zhaoshang.intake.models import ImportRun
from zhaoshang.intake.sheets import SheetError
from zhaoshang.org.access import can_write, can_write_unit, units_in_scope


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sheet_import(request: HttpRequest) -> HttpResponse:
    if not can_write(request.user):
        raise PermissionDenied("无权导入项目")
    if request.POST.get("action") == "confirm":
        return _confirm(request)
    form = SheetUploadForm(request.POST or None, request.FILES or None, user=request.user)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        if not can_write_unit(request.user, unit):
            raise PermissionDenied(f"无权向“{unit.name}”导入")
        upload = form.cleaned_data["file"]
        stored = _upload_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with open(stored, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            report = import_projects(path=stored, unit=unit, as_of=form.cleaned_data["as_of"],
                                     dry_run=True, file_name=upload.name)  # fmt: skip
        except (SheetError, ValueError) as exc:
            stored.unlink(missing_ok=True)
            form.add_error("file", str(exc))
        else:
            context.update(report=report, stored=stored.name, file_name=upload.name, unit=unit,
                           as_of=form.cleaned_data["as_of"],
                           all_or_nothing=form.cleaned_data["all_or_nothing"])  # fmt: skip
    context["runs"] = ImportRun.objects.filter(unit__in=units_in_scope(request.user))[:10]
    return render(request, "intake/import.html", context)


def _confirm(request: HttpRequest) -> HttpResponse:
    import datetime as dt

    stored_name = request.POST.get("stored", "")
    if not stored_name or "/" in stored_name or "\\\\" in stored_name:
        raise Http404("没有找到上传的文件")
    stored = _upload_dir() / stored_name
    unit = units_in_scope(request.user).filter(code=request.POST.get("unit", "")).first()
    if not stored.exists() or unit is None:
        raise Http404("没有找到上传的文件")
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(f"无权向“{unit.name}”导入")
    as_of = request.POST.get("as_of")
    report = import_projects(
        path=stored, unit=unit, as_of=dt.date.fromisoformat(as_of) if as_of else None,
        all_or_nothing=request.POST.get("all_or_nothing") == "1", actor=request.user,
        file_name=request.POST.get("file_name") or stored.name,
    )  # fmt: skip
    stored.unlink(missing_ok=True)
    return render(request, "intake/import.html", {
        "form": SheetUploadForm(user=request.user), "done": report, "unit": unit,
        "runs": ImportRun.objects.filter(unit__in=units_in_scope(request.user))[:10],
    })  # fmt: skip
