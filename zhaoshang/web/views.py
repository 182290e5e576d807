from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from zhaoshang.figures.pipeline import pipeline_snapshot
from zhaoshang.figures.tally import BUCKET_LABELS, BUCKETS
from zhaoshang.org.access import scope_unit
from zhaoshang.projects.models import Project


def home(request: HttpRequest) -> HttpResponse:
    """The user's scope at a glance: the pipeline snapshot as of today."""
    today = timezone.localdate()
    projects = Project.objects.visible_to(request.user)
    snapshot = pipeline_snapshot(projects=projects, as_of=today)
    rows = [(BUCKET_LABELS[b], snapshot.bucket(b)) for b in BUCKETS]
    recent = projects.select_related("unit", "investor").order_by("-stage_on", "-id")[:20]
    context = {
        "snapshot": snapshot,
        "rows": rows,
        "recent": recent,
        "scope": scope_unit(request.user),  # type: ignore[arg-type]
    }  # type: ignore[arg-type]
    return render(request, "web/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
