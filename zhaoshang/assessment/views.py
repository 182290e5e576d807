"""Assessment pages: schemes, running them, the ranking of a run and its Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.assessment.export import ranking_xlsx
from zhaoshang.assessment.forms import SchemeForm
from zhaoshang.assessment.models import Run, Scheme
from zhaoshang.assessment.services import run_publish, run_reproduce, scheme_run, scheme_save
from zhaoshang.org import access
from zhaoshang.web.submit import attach_errors


def _owned(user: Any) -> Any:
    return access.filter_by(Scheme.objects.all(), access.owned_read_q(user, "owner_id"))


def _schemes(user: Any) -> Any:
    """Schemes the user's scope runs, and those that assess a unit in it (which see only
    published results)."""
    assessed = access.filter_by(Scheme.objects.all(), access.owned_read_q(user, "units__id"))
    return Scheme.objects.filter(
        Q(pk__in=_owned(user).values("pk")) | Q(pk__in=assessed.values("pk"))
    )


def _scheme(user: Any, pk: int) -> Scheme:
    found = _schemes(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该考评方案")
    return found


def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = _schemes(request.user).select_related("owner").prefetch_related("runs")
    return render(
        request,
        "assessment/list.html",
        {"schemes": schemes, "can_write": access.can_write(request.user)},
    )


def scheme_create(request: HttpRequest) -> HttpResponse:
    if not access.can_write(request.user):
        raise PermissionDenied("无权设置考评方案")
    form = SchemeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actor: Any = request.user
            scheme = scheme_save(data=form.cleaned_data, indicators=form.indicators(), actor=actor)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"已保存考评方案“{scheme.name}”")
            return redirect("scheme_detail", pk=scheme.pk)
    return render(request, "assessment/form.html", {"form": form})


def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request.user, pk)
    error = ""
    if request.method == "POST":
        if not access.can_write_unit(request.user, scheme.owner):
            raise Http404("没有找到该考评方案")
        try:
            run = scheme_run(scheme=scheme, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = ";".join(exc.messages)
        else:
            messages.success(request, "已计算考评结果")
            return redirect("run_detail", pk=run.pk)
    return render(
        request,
        "assessment/detail.html",
        {
            "scheme": scheme,
            "indicators": scheme.indicators.all(),
            "units": scheme.units.all(),
            "runs": scheme.runs.all()
            if _owned(request.user).filter(pk=scheme.pk).exists()
            else scheme.runs.filter(published_at__isnull=False),
            "error": error,
            "can_run": access.can_write_unit(request.user, scheme.owner),
        },
    )


def _run(user: Any, pk: int) -> Run:
    runs = Run.objects.filter(pk=pk).select_related("scheme")
    found = runs.filter(scheme__in=_owned(user)).first()
    found = found or runs.filter(scheme__in=_schemes(user), published_at__isnull=False).first()
    if found is None:
        raise Http404("没有找到该考评结果")
    return found


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request.user, pk)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            ranking_xlsx(run),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
        response["Content-Disposition"] = f'attachment; filename="ranking-{run.pk}.xlsx"'
        return response
    return render(
        request,
        "assessment/run.html",
        {
            "run": run,
            "indicators": run.inputs["scheme"]["indicators"],
            "rows": run.results,
            "reproduced": run_reproduce(run),
            "can_publish": not run.published_at
            and access.can_write_unit(request.user, run.scheme.owner),
        },
    )


@require_POST
def run_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request.user, pk)
    if not access.can_write_unit(request.user, run.scheme.owner):
        raise PermissionDenied("无权发布该考评结果")
    try:
        run_publish(run=run, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, "已发布考评结果")
    return redirect("run_detail", pk=pk)
