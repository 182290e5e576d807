"""Project routes: thin, through the same filters, forms, services and access rule as the pages."""

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhaoshang.api.errors import InvalidInput
from zhaoshang.api.schemas import (
    ArrivalCorrectIn,
    ArrivalIn,
    ArrivalOut,
    ConflictOut,
    Errors,
    NoteIn,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    StageEntryOut,
    StageMoveIn,
)
from zhaoshang.org.access import can_write
from zhaoshang.projects.filters import ProjectFilter
from zhaoshang.projects.forms import (
    ArrivalCorrectForm,
    ArrivalForm,
    ArrivalRetractForm,
    ProjectForm,
    StageMoveForm,
    form_errors,
    project_form_data,
)
from zhaoshang.projects.models import Project
from zhaoshang.projects.selectors import get_project_for_user
from zhaoshang.projects.services import (
    EditConflict,
    capital_arrival_correct,
    capital_arrival_record,
    capital_arrival_retract,
    project_move_to_stage,
    project_save,
)

router = Router(tags=["项目"])
LIST_RELATED = [
    "unit",
    "region",
    "park",
    "responsible_unit",
    "investor",
    "chain",
    "kind",
    "channel",
]


class ProjectQuery(Schema):
    """The list filters (the same as the project list page)."""

    q: str | None = None
    stage: list[str] | None = None
    unit: str | None = None
    region: str | None = None
    park: str | None = None
    chain: int | None = None
    channel: int | None = None
    kind: int | None = None
    tags: list[int] | None = None
    provincial_key: bool | None = None
    city_key: bool | None = None
    amount_min: str | None = None
    amount_max: str | None = None
    entered_from: str | None = None
    entered_to: str | None = None
    as_of: str | None = None
    bucket: str | None = None
    reached: str | None = None
    period_from: str | None = None
    period_to: str | None = None
    sort: str | None = None


def filtered_projects(request: HttpRequest) -> Any:
    """The visible projects narrowed by the request's filters (422 on a bad filter)."""
    qs = Project.objects.visible_to(request.user).select_related(*LIST_RELATED)
    found = ProjectFilter(request.GET, queryset=qs, user=request.user)
    if not found.is_valid():
        raise InvalidInput(form_errors(found.form))
    return found.qs


def _valid(form: Any) -> dict[str, Any]:
    """The cleaned data of a bound form without its file fields; 422 when invalid."""
    if not form.is_valid():
        raise InvalidInput(form_errors(form))
    return {k: v for k, v in form.cleaned_data.items() if k != "evidence"}


def _writable(request: HttpRequest, code: str) -> Project:
    """404 when the project is not visible; 403 when visible but not the user's to change."""
    project = get_project_for_user(request.user, code)
    if not Project.objects.writable_by(request.user).filter(pk=project.pk).exists():
        raise PermissionDenied("无权修改该项目")
    return project


def _bound(payload: dict[str, Any], *, user: Any, project: Project | None) -> ProjectForm:
    data = project_form_data(project) if project else {}
    data.update({k: ("" if v is None else v) for k, v in payload.items()})
    form = ProjectForm(data=data, instance=project, user=user)
    if not form.is_valid():
        raise InvalidInput(form_errors(form))
    return form


@router.get("/projects", response=list[ProjectOut], summary="项目列表")
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, filters: Query[ProjectQuery]) -> Any:
    return filtered_projects(request)


def etag(project: Project) -> str:
    return f'"{project.version}"'


def _if_match(request: HttpRequest) -> int | None:
    """The version in an If-Match header ("3" or W/"3"); None without one; 412 when it
    names no version of ours."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    found = re.fullmatch(r'\s*(?:W/)?"(\d+)"\s*', header)
    if found is None:
        raise InvalidInput({"If-Match": [f"If-Match “{header}”不是本项目的版本(ETag)"]})
    return int(found.group(1))


@router.get("/projects/{code}", response={200: ProjectDetailOut, 404: Errors}, summary="项目详情")
def project_detail(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    project = get_project_for_user(request.user, code)
    response["ETag"] = etag(project)
    return project


@router.post("/projects", response={201: ProjectDetailOut, 403: Errors, 422: Errors},
             summary="登记项目")  # fmt: skip
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    if not can_write(request.user):
        raise PermissionDenied("无权登记项目")
    form = _bound(payload.dict(exclude_unset=True), user=request.user, project=None)
    return Status(201, project_save(data=form.cleaned_data, actor=request.user))  # type: ignore[arg-type]


@router.patch("/projects/{code}", response={200: ProjectDetailOut, 403: Errors, 404: Errors,
              409: ConflictOut, 412: ConflictOut, 422: Errors}, summary="修改项目")  # fmt: skip
def project_update(
    request: HttpRequest, code: str, payload: ProjectIn, response: HttpResponse
) -> Any:
    """Only the fields sent change, on the stored row: PATCHes of different fields never
    undo each other. With the version read (If-Match: the ETag of the detail, or `version`)
    a write over a newer version is refused with both values of each field: 412 for
    If-Match, 409 for `version`."""
    project = _writable(request, code)
    sent = payload.dict(exclude_unset=True)
    header_version = _if_match(request)
    version = header_version if header_version is not None else sent.pop("version", None)
    sent.pop("version", None)
    form = _bound(sent, user=request.user, project=project)
    try:
        saved = project_save(data=form.cleaned_data, actor=request.user, project=project,  # type: ignore[arg-type]
                             fields=list(sent), version=version)  # fmt: skip
    except EditConflict as exc:
        status = 412 if header_version is not None else 409
        detail = "保存前该项目已被他人修改,请重新读取后再提交"
        return Status(status, {"detail": detail, "version": exc.version,
                               "conflicts": exc.conflicts})  # fmt: skip
    response["ETag"] = etag(saved)
    return saved


@router.post("/projects/{code}/stages", response={201: StageEntryOut, 403: Errors, 404: Errors,
             422: Errors}, summary="阶段变更")  # fmt: skip
def project_move(request: HttpRequest, code: str, payload: StageMoveIn) -> Any:
    project = _writable(request, code)
    data = _valid(StageMoveForm(data=payload.dict()))
    return Status(201, project_move_to_stage(project=project, actor=request.user, **data))  # type: ignore[arg-type]


@router.post("/projects/{code}/arrivals/{arrival_id}/correction", response={201: ArrivalOut,
             403: Errors, 404: Errors, 422: Errors}, summary="更正到资")  # fmt: skip
def arrival_correct(request: HttpRequest, code: str, arrival_id: int,
                    payload: ArrivalCorrectIn) -> Any:  # fmt: skip
    project = _writable(request, code)
    arrival = get_object_or_404(project.arrivals, pk=arrival_id, in_effect=True)
    data = _valid(ArrivalCorrectForm(data=payload.dict()))
    return Status(201, capital_arrival_correct(arrival=arrival, actor=request.user, **data))  # type: ignore[arg-type]


@router.post("/projects/{code}/arrivals/{arrival_id}/retraction", response={201: ArrivalOut,
             403: Errors, 404: Errors, 422: Errors}, summary="撤销到资")  # fmt: skip
def arrival_retract(request: HttpRequest, code: str, arrival_id: int, payload: NoteIn) -> Any:
    project = _writable(request, code)
    arrival = get_object_or_404(project.arrivals, pk=arrival_id, in_effect=True)
    data = _valid(ArrivalRetractForm(data=payload.dict()))
    return Status(201, capital_arrival_retract(arrival=arrival, actor=request.user, **data))  # type: ignore[arg-type]


@router.post("/projects/{code}/arrivals", response={201: ArrivalOut, 403: Errors, 404: Errors,
             422: Errors}, summary="登记到资")  # fmt: skip
def project_arrival(request: HttpRequest, code: str, payload: ArrivalIn) -> Any:
    project = _writable(request, code)
    data = _valid(ArrivalForm(data=payload.dict()))
    return Status(201, capital_arrival_record(project=project, actor=request.user, **data))  # type: ignore[arg-type]
