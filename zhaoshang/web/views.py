from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from zhaoshang.fieldwork.figures import fieldwork_figures, follow_ups_due, work_cards
from zhaoshang.figures.dashboard import dashboard_build
from zhaoshang.figures.periods import period_from_params
from zhaoshang.projects.models import Project
from zhaoshang.targets.models import Target
from zhaoshang.targets.progress import progress_of
from zhaoshang.web.scoping import scope_from_request


def home(request: HttpRequest) -> HttpResponse:
    """驾驶舱: the figures of a scope and a period, each one linked to its projects."""
    today = timezone.localdate()
    scope, choices = scope_from_request(request)
    period = period_from_params(request.GET, today)
    projects = Project.objects.visible_under(request.user, scope)
    board = dashboard_build(projects=projects, scope=scope, period=period)
    work = fieldwork_figures(user=request.user, scope=scope, period=period, today=today)
    targets = Target.objects.filter(unit=scope, start=period.start, end=period.end)
    goals = progress_of(list(targets.select_related("unit")), user=request.user, today=today)
    return render(request, "web/dashboard.html", {
        "board": board, "choices": choices, "today": today,
        "work_cards": work_cards(work), "goals": goals,
        "due": list(follow_ups_due(request.user, today)[:20]),
        "years": range(today.year, today.year - 10, -1), "months": range(1, 13),
    })  # fmt: skip


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
