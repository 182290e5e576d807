"""Project pages: fetch through the access rule, bind a form, call one service, respond."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from zhaoshang.figures.pipeline import exact_sum
from zhaoshang.figures.tally import from_scaled
from zhaoshang.org import access
from zhaoshang.org.access import can_write
from zhaoshang.projects import history
from zhaoshang.projects.export import book_of, projects_xlsx, title_lines
from zhaoshang.projects.filters import ProjectFilter
from zhaoshang.projects.forms import (
    ArrivalCorrectForm,
    ArrivalForm,
    ArrivalRetractForm,
    ProjectForm,
    StageMoveForm,
    form_errors,
    validation_messages,
)
from zhaoshang.projects.models import Project
from zhaoshang.projects.querysets import umbrella_q
from zhaoshang.projects.selectors import get_project_for_user
from zhaoshang.projects.services import (
    OutOfOrderError,
    capital_arrival_correct,
    capital_arrival_record,
    capital_arrival_retract,
    project_move_to_stage,
    project_save,
)
from zhaoshang.projects.stages import Stage
from zhaoshang.web.submit import submit

PAGE_SIZE = 50
LIST_RELATED = ["unit", "region", "park", "investor", "chain", "channel"]


def _filtered(request: HttpRequest) -> ProjectFilter:
    qs = Project.objects.visible_to(request.user).select_related(*LIST_RELATED)
    return ProjectFilter(request.GET, queryset=qs, user=request.user)


def project_list(request: HttpRequest) -> HttpResponse:
    found = _filtered(request)
    projects = found.qs if found.is_valid() else Project.objects.none()
    if request.GET.get("export") == "xlsx":
        return _export(request, projects)
    counted = ~umbrella_q()  # the count and total above the table leave umbrellas out
    totals = projects.order_by().aggregate(
        rows=Count("pk"), n=Count("pk", filter=counted),
        scaled=exact_sum("total_investment", filter=counted),
    )  # fmt: skip
    paginator = Paginator(projects, PAGE_SIZE)
    paginator.count = totals["rows"]  # already counted with the total: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "projects/list.html", {
        "filter": found, "page": page, "count": totals["n"],
        "umbrellas": totals["rows"] - totals["n"],
        "amount": from_scaled(totals["scaled"]), "can_write": can_write(request.user),
    })  # fmt: skip


def _export(request: HttpRequest, projects: Any) -> HttpResponse:
    """Exactly the filtered set, in the layout `zhaoshang import projects` reads back."""
    today = timezone.localdate()
    # The filters that made the set: not the request for a file, nor the page it came from.
    filters = request.GET.copy()
    for asked in ("export", "page"):
        filters.pop(asked, None)
    note = f"筛选条件:{filters.urlencode() or '全部'}"
    lines = title_lines(title="招商项目清单", filler=str(request.user.unit), as_of=today, note=note)  # type: ignore[union-attr]
    response = HttpResponse(
        projects_xlsx(book_of(projects), lines=lines),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="projects-{today:%Y%m%d}.xlsx"'
    return response


def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project = get_project_for_user(request.user, code)
    writable = Project.objects.writable_by(request.user).filter(pk=project.pk).exists()
    children = list(project.children.visible_to(request.user).order_by("code"))
    children_total = sum((c.total_investment or 0 for c in children), Decimal(0))
    return render(request, "projects/detail.html", {
        "project": project,
        "entries": project.stage_entries.select_related("recorded_by").order_by(
            "effective_on", "seq", "id"
        ),
        "arrivals": project.arrivals.select_related("recorded_by").order_by("arrived_on", "id"),
        "children": children,
        "children_total": children_total,
        "changes": history.project_changes(project),
        "writable": writable,
        "approvals": project.approvals.select_related("item"),
        "contacts": project.contacts.filter(access.owned_read_q(request.user) or Q())
        .select_related("company").prefetch_related("projects")[:20],
        "requests": project.service_requests.filter(access.request_read_q(request.user) or Q())
        .select_related("category", "department", "company"),
        "signings": project.event_signings.select_related("event"),
    })  # fmt: skip


def project_create(request: HttpRequest) -> HttpResponse:
    if not can_write(request.user):
        raise PermissionDenied("无权登记项目")
    form = ProjectForm(request.POST or None, user=request.user)
    project = submit(request, form, lambda d: project_save(data=d, actor=request.user))  # type: ignore[arg-type]
    if project:
        messages.success(request, f"已登记项目 {project.code}")
        return redirect("project_detail", code=project.code)
    return render(request, "projects/form.html", {"form": form, "title": "登记项目"})


def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    project = get_project_for_user(request.user, code, write=True)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    save = lambda d: project_save(data=d, actor=request.user, project=project, **form.edit_basis())  # type: ignore[arg-type]  # noqa: E731
    if submit(request, form, save):
        messages.success(request, "已保存")
        return redirect("project_detail", code=code)
    return render(request, "projects/form.html", {
        "form": form, "title": f"修改项目 {project.code}", "project": project,
    })  # fmt: skip


def project_move(request: HttpRequest, code: str) -> HttpResponse:
    project = get_project_for_user(request.user, code, write=True)
    form = StageMoveForm(request.POST or None, request.FILES or None)
    move = lambda d: project_move_to_stage(project=project, actor=request.user, **d)  # type: ignore[arg-type]  # noqa: E731
    if submit(request, form, move):
        messages.success(request, "阶段已更新")
        return redirect("project_detail", code=code)
    return render(request, "projects/move.html", {"form": form, "project": project})


def arrival_create(request: HttpRequest, code: str) -> HttpResponse:
    project = get_project_for_user(request.user, code, write=True)
    form = ArrivalForm(request.POST or None, request.FILES or None)
    record = lambda d: capital_arrival_record(project=project, actor=request.user, **d)  # type: ignore[arg-type]  # noqa: E731
    if submit(request, form, record):
        messages.success(request, "已登记到资")
        return redirect("project_detail", code=code)
    return render(request, "projects/arrival.html", {"form": form, "project": project})


def arrival_fix(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Correct (action=correct) or withdraw (action=retract) one arrival in effect."""
    project = get_project_for_user(request.user, code, write=True)
    arrival = get_object_or_404(project.arrivals, pk=pk, in_effect=True)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action")
    initial = {f: getattr(arrival, f) for f in ("amount", "currency", "arrived_on", "is_foreign")}
    correct = ArrivalCorrectForm(posted if action == "correct" else None,
                                 request.FILES or None, initial=initial)  # fmt: skip
    retract = ArrivalRetractForm(posted if action == "retract" else None)
    if action == "retract":
        done = submit(request, retract, lambda d: capital_arrival_retract(
            arrival=arrival, actor=request.user, note=d["note"]))  # type: ignore[arg-type]  # fmt: skip
    else:
        done = submit(request, correct, lambda d: capital_arrival_correct(
            arrival=arrival, actor=request.user, **d))  # type: ignore[arg-type]  # fmt: skip
    if done:
        messages.success(request, "到资记录已撤销" if action == "retract" else "到资记录已更正")
        return redirect("project_detail", code=code)
    return render(request, "projects/arrival_fix.html", {
        "project": project, "arrival": arrival, "correct": correct, "retract": retract,
    })  # fmt: skip


KANBAN_STAGES = list(Stage.values)
CARDS_PER_COLUMN = 30


def kanban(request: HttpRequest) -> HttpResponse:
    """Columns by current stage. Counts and totals are aggregated in the database over the
    whole filtered set; the cards are the most recent of each column."""
    found = _filtered(request)
    projects = found.qs if found.is_valid() else Project.objects.none()
    totals = {
        row["stage"]: (row["n"], from_scaled(row["scaled"]))
        for row in projects.counted()
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"), scaled=exact_sum("total_investment"))
    }
    columns = []
    for stage in KANBAN_STAGES:
        n, amount = totals.get(stage, (0, from_scaled(0)))
        cards = projects.filter(stage=stage).order_by("-stage_on", "-id")[:CARDS_PER_COLUMN]
        columns.append({"stage": stage, "label": Stage(stage).label, "count": n,
                        "amount": amount, "cards": cards})  # fmt: skip
    return render(request, "projects/kanban.html", {
        "filter": found, "columns": columns, "can_write": can_write(request.user),
        "today": timezone.localdate(), "stages": Stage.choices,
    })  # fmt: skip


def kanban_move(request: HttpRequest) -> JsonResponse:
    """A card dropped on a column: the same stage form and service as the project page."""
    if request.method != "POST":
        return JsonResponse({"detail": "只接受 POST"}, status=405)
    project = get_project_for_user(request.user, request.POST.get("code", ""), write=True)
    form = StageMoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form_errors(form)}, status=422)
    try:
        project_move_to_stage(project=project, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
    except OutOfOrderError as exc:
        return JsonResponse({"errors": exc.message_dict, "confirm": True}, status=422)
    except ValidationError as exc:
        return JsonResponse({"errors": validation_messages(exc)}, status=422)
    return JsonResponse({"code": project.code, "stage": form.cleaned_data["stage"]})
