"""Figures over the API: the same counting code as the dashboard and the CLI."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from zhaoshang.api.schemas import Errors, FlowsOut, SnapshotOut
from zhaoshang.figures.capital import capital_figures
from zhaoshang.figures.pipeline import pipeline_flows, pipeline_snapshot
from zhaoshang.org.access import units_in_scope
from zhaoshang.projects.models import Project

router = Router(tags=["统计"])


def _scoped(request: HttpRequest, unit: str) -> Any:
    projects = Project.objects.visible_to(request.user)
    if not unit:
        return projects
    found = units_in_scope(request.user).filter(code=unit).first()
    if found is None:
        raise Http404("没有找到该单位")
    return projects.in_unit(found)


@router.get("/figures/snapshot", response={200: SnapshotOut, 404: Errors},
            summary="项目库快照(截至某日)")  # fmt: skip
def snapshot(request: HttpRequest, as_of: dt.date, unit: str = "") -> Any:
    snap = pipeline_snapshot(projects=_scoped(request, unit), as_of=as_of)
    return {**snap.as_json(), "unit": unit or None}


@router.get("/figures/flows", response={200: FlowsOut, 404: Errors, 409: Errors},
            summary="期间流量与到资")  # fmt: skip
def flows(request: HttpRequest, start: dt.date, end: dt.date, unit: str = "") -> Any:
    projects = _scoped(request, unit)
    tallies = pipeline_flows(projects=projects, start=start, end=end)
    capital = capital_figures(projects=projects, start=start, end=end)
    return {
        "start": start, "end": end, "unit": unit or None,
        "flows": {k: t.as_json() for k, t in tallies.items()},
        "capital": capital.as_json(),
    }  # fmt: skip
