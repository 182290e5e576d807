"""Enterprise service: requests through 受理 → 办理中 → 办结 → 评价, escalation of overdue
requests (督办), approval milestones. One transaction per call; each step of a request
also writes a line of its timeline."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.companies.services import company_get_or_create
from zhaoshang.lib.records import is_unchanged
from zhaoshang.org import access
from zhaoshang.org.models import UnitKind
from zhaoshang.projects.models import Project
from zhaoshang.service.models import (
    OPEN_STATUSES,
    ApprovalMilestone,
    RequestStatus,
    RequestUpdate,
    RequestUpdateKind,
    ServiceRequest,
)

if TYPE_CHECKING:
    from zhaoshang.org.models import Unit, User


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(value: dt.date | None, field: str, label: str) -> dt.date:
    if value is None:
        raise ValidationError({field: f"请填写{label}"})
    if value > _today():
        raise ValidationError({field: f"{label}{value:%Y-%m-%d}晚于今天,不能预先登记"})
    return value


def _may(actor: User | None, request: ServiceRequest, q: Any, what: str) -> None:
    if actor is None:
        return
    if q is not None and not ServiceRequest.objects.filter(q, pk=request.pk).exists():
        raise PermissionDenied(f"无权{what}该诉求")


def _log(request: ServiceRequest, kind: str, on: dt.date, note: str, actor: User | None) -> None:
    RequestUpdate.objects.create(request=request, kind=kind, on=on, note=note, by=actor)


def _city_of(unit: Unit) -> Unit:
    return unit.ancestor_of_kind(UnitKind.CITY) or unit


REQUEST_FIELDS = ("unit", "company", "project", "category", "title", "description",
                  "department", "received_on", "due_on")  # fmt: skip


@transaction.atomic
def request_save(
    *, data: dict[str, Any], actor: User | None, request: ServiceRequest | None = None
) -> ServiceRequest:
    """Take in a request (受理) or correct its particulars while it is open."""
    creating = request is None
    request = request or ServiceRequest()
    if "company_name" in data:  # typed by name: found or added inside this transaction
        data = dict(data)
        name = (data.pop("company_name") or "").strip()
        data["company"] = company_get_or_create(name=name, actor=actor)[0] if name else None
    if not creating:
        _may(actor, request, access.request_own_q(actor), "修改")
        if not request.is_open:
            raise ValidationError({"__all__": "诉求已办结,不能再修改"})
    for name in REQUEST_FIELDS:
        if name in data:
            setattr(request, name, data[name])
    unit = request.unit if request.unit_id else None
    if unit is None:
        raise ValidationError({"unit": "请选择受理单位"})
    if actor is not None and not access.can_write_unit(actor, unit):
        raise ValidationError({"unit": f"无权为“{unit}”受理诉求"})
    _not_future(request.received_on, "received_on", "受理日期")
    if request.due_on is None:
        raise ValidationError({"due_on": "请填写办结时限"})
    if request.due_on < request.received_on:
        raise ValidationError({"due_on": "办结时限不能早于受理日期"})
    department = request.department if request.department_id else None
    if department is None:
        raise ValidationError({"department": "请选择承办部门"})
    if not department.is_within(_city_of(unit)):
        city = _city_of(unit)
        raise ValidationError(
            {"department": f"承办部门“{department}”不在{city}范围内,只能交本市部门或单位承办"}
        )
    visible = Project.objects.visible_to(actor) if actor is not None else Project.objects.all()
    if request.project_id and not visible.filter(pk=request.project_id).exists():
        raise ValidationError({"project": "无权关联该项目"})
    project = request.project if request.project_id else None
    if project is not None and project.investor_id not in (None, request.company_id):
        raise ValidationError({"project": f"项目“{project.name}”的投资方不是该企业"})
    if creating:
        request.created_by = actor
    request.full_clean()
    if is_unchanged(request):
        return request  # submitted unchanged: no save, no history row
    request._history_user = actor  # type: ignore[attr-defined]
    request.save()
    if creating:
        _log(request, RequestUpdateKind.RECEIVED, request.received_on,
             f"交{department}办理,时限{request.due_on:%Y-%m-%d}", actor)  # fmt: skip
    return request


def _locked(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_progress(
    *, request: ServiceRequest, note: str, actor: User | None, on: dt.date | None = None
) -> ServiceRequest:
    """办理中: a step the department took."""
    request = _locked(request)
    _may(actor, request, access.request_handle_q(actor), "办理")
    if not request.is_open:
        raise ValidationError({"__all__": "诉求已办结"})
    if not note.strip():
        raise ValidationError({"note": "请写明办理进展"})
    on = _not_future(on or _today(), "on", "日期")
    request.status = RequestStatus.IN_PROGRESS
    request._history_user = actor  # type: ignore[attr-defined]
    request.save(update_fields=["status"])
    _log(request, RequestUpdateKind.PROGRESS, on, note.strip(), actor)
    return request


@transaction.atomic
def request_close(
    *, request: ServiceRequest, resolution: str, actor: User | None, on: dt.date | None = None
) -> ServiceRequest:
    """办结."""
    request = _locked(request)
    _may(actor, request, access.request_handle_q(actor), "办结")
    if not request.is_open:
        raise ValidationError({"__all__": "诉求已办结"})
    if not resolution.strip():
        raise ValidationError({"resolution": "请写明办理结果"})
    on = _not_future(on or _today(), "on", "办结日期")
    if on < request.received_on:
        raise ValidationError({"on": "办结日期不能早于受理日期"})
    request.status = RequestStatus.CLOSED
    request.closed_on = on
    request.resolution = resolution.strip()
    request._history_user = actor  # type: ignore[attr-defined]
    request.save(update_fields=["status", "closed_on", "resolution"])
    _log(request, RequestUpdateKind.CLOSED, on, resolution.strip(), actor)
    return request


@transaction.atomic
def request_rate(
    *, request: ServiceRequest, satisfaction: int, actor: User | None, comment: str = ""
) -> ServiceRequest:
    """评价: the company's satisfaction (1–5), recorded by the unit that took the request."""
    request = _locked(request)
    _may(actor, request, access.request_own_q(actor), "评价")
    if request.status != RequestStatus.CLOSED:
        raise ValidationError({"satisfaction": "诉求办结后才能评价,且只评价一次"})
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": "满意度为1–5分"})
    request.status = RequestStatus.RATED
    request.satisfaction = satisfaction
    request.rating_comment = comment.strip()
    request._history_user = actor  # type: ignore[attr-defined]
    request.save(update_fields=["status", "satisfaction", "rating_comment"])
    _log(request, RequestUpdateKind.RATED, _today(), f"{satisfaction}分 {comment}".strip(), actor)
    return request


def escalation_target(request: ServiceRequest) -> Unit | None:
    """The next higher administrative unit above the one now supervising the request."""
    current = request.escalated_to or request.unit
    parent = current.parent
    while parent is not None and parent.kind not in (UnitKind.COUNTY, UnitKind.CITY,
                                                     UnitKind.PROVINCE):  # fmt: skip
        parent = parent.parent
    return parent


@transaction.atomic
def request_escalate(
    *, request: ServiceRequest, actor: User | None, note: str = "", to: Unit | None = None
) -> ServiceRequest:
    """督办: an overdue request goes up to a higher unit, which now sees and follows it."""
    request = _locked(request)
    _may(actor, request, access.request_own_q(actor), "督办")
    today = _today()
    if request.status not in OPEN_STATUSES or request.due_on >= today:
        raise ValidationError(
            {"__all__": f"诉求未逾期(办结时限{request.due_on:%Y-%m-%d}),无需督办"}
        )
    target = to or escalation_target(request)
    current = request.escalated_to or request.unit
    if target is None or not current.is_within(target) or target == current:
        raise ValidationError({"to": "督办须提交给上级单位"})
    request.escalated_to = target
    request.escalated_on = today
    request._history_user = actor  # type: ignore[attr-defined]
    request.save(update_fields=["escalated_to", "escalated_on"])
    days = (today - request.due_on).days
    _log(request, RequestUpdateKind.ESCALATED, today,
         f"逾期{days}天,提请{target}督办。{note}".strip(), actor)  # fmt: skip
    return request


# ── approvals ───────────────────────────────────────────────────────────────────────

APPROVAL_FIELDS = ("item", "started_on", "finished_on", "parallel", "note")


@transaction.atomic
def approval_save(
    *,
    project: Project,
    data: dict[str, Any],
    actor: User | None,
    milestone: ApprovalMilestone | None = None,
) -> ApprovalMilestone:
    if actor is not None and not Project.objects.writable_by(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(f"无权修改项目“{project.name}”")
    milestone = milestone or ApprovalMilestone(project=project)
    if milestone.project_id != project.pk:
        raise ValidationError({"__all__": "审批节点不属于该项目"})
    for name in APPROVAL_FIELDS:
        if name in data:
            setattr(milestone, name, data[name])
    _not_future(milestone.started_on, "started_on", "申报日期")
    if milestone.finished_on is not None:
        _not_future(milestone.finished_on, "finished_on", "办结日期")
        if milestone.finished_on < milestone.started_on:
            raise ValidationError({"finished_on": "办结日期不能早于申报日期"})
    duplicate = ApprovalMilestone.objects.filter(project=project, item=milestone.item_id)
    if duplicate.exclude(pk=milestone.pk).exists():
        raise ValidationError({"item": f"该项目已登记“{milestone.item}”"})
    if milestone.pk is None:
        milestone.recorded_by = actor
    milestone.full_clean()
    if not is_unchanged(milestone):  # submitted unchanged: no save, no history row
        milestone._history_user = actor  # type: ignore[attr-defined]
        milestone.save()
    return milestone
