"""Enterprise service pages: requests and their steps, the 督办 list, approval milestones."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhaoshang.fieldwork import figures
from zhaoshang.figures.periods import period_from_params
from zhaoshang.org import access
from zhaoshang.projects.selectors import get_project_for_user
from zhaoshang.service.forms import (
    ApprovalForm,
    CloseForm,
    EscalateForm,
    ProgressForm,
    RateForm,
    RequestForm,
)
from zhaoshang.service.models import OPEN_STATUSES, RequestStatus, ServiceRequest
from zhaoshang.service.services import (
    approval_save,
    escalation_target,
    request_close,
    request_escalate,
    request_progress,
    request_rate,
    request_save,
)
from zhaoshang.web.scoping import scope_from_request, window
from zhaoshang.web.submit import submit

PAGE_SIZE = 50


def _requests(user: Any, q: Any = None) -> Any:
    qs = access.filter_by(ServiceRequest.objects.all(), access.request_read_q(user))
    qs = access.filter_by(qs, q) if q is not None else qs
    return qs.select_related("company", "unit", "department", "category", "escalated_to")


def _get(user: Any, pk: int) -> ServiceRequest:
    found = _requests(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该诉求")
    return found


def _allowed(user: Any, request: ServiceRequest, q: Any) -> bool:
    return q is None or ServiceRequest.objects.filter(q, pk=request.pk).exists()


def request_list(request: HttpRequest) -> HttpResponse:
    qs = _requests(request.user)
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    qs = window(request, qs, "received_on", "unit", "department")
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(company__name__icontains=text) | Q(title__icontains=text))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for r in page:
        r.overdue = r.days_overdue(today)
    return render(request, "service/request_list.html", {
        "page": page, "statuses": RequestStatus.choices, "status": status, "q": text,
        "can_create": access.can_write(request.user)})  # fmt: skip


def supervision(request: HttpRequest) -> HttpResponse:
    """督办: open requests past their due date, most overdue first."""
    today = timezone.localdate()
    mine = window(request, _requests(request.user), "received_on", "unit", "department")
    overdue = figures.overdue_on(mine, today).order_by("due_on", "id")
    overdue = overdue.select_related("unit__parent", "escalated_to__parent")
    page = Paginator(overdue, PAGE_SIZE).get_page(request.GET.get("page"))
    own = access.filter_by(ServiceRequest.objects.all(), access.request_own_q(request.user))
    own_ids = set(own.filter(pk__in=[r.pk for r in page]).values_list("pk", flat=True))
    rows = [(r, r.days_overdue(today), r.pk in own_ids and escalation_target(r)) for r in page]
    return render(request, "service/supervision.html", {"rows": rows, "page": page})


def request_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not access.can_write(request.user):
        raise PermissionDenied("无权受理诉求")
    found = _get(request.user, pk) if pk else None
    if found is not None and not _allowed(request.user, found, access.request_own_q(request.user)):
        raise Http404("没有找到该诉求")
    form = RequestForm(request.POST or None, instance=found, user=request.user)

    def save(_: dict[str, Any]) -> ServiceRequest:
        return request_save(data=form.service_data(request.user), actor=request.user,  # type: ignore[arg-type]
                            request=found)  # fmt: skip

    saved = submit(request, form, save)
    if saved:
        messages.success(request, "已受理诉求" if found is None else "已保存")
        return redirect("request_detail", pk=saved.pk)
    return render(request, "fieldwork/form.html", {
        "form": form, "title": "修改诉求" if found else "受理企业诉求", "cancel": "request_list",
        "company_search": True})  # fmt: skip


ACTIONS = {
    "progress": (ProgressForm, access.request_handle_q, request_progress, "已记录办理进展"),
    "close": (CloseForm, access.request_handle_q, request_close, "已办结"),
    "rate": (RateForm, access.request_own_q, request_rate, "已记录评价"),
    "escalate": (EscalateForm, access.request_own_q, request_escalate, "已提请督办"),
}


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get(request.user, pk)
    today = timezone.localdate()
    own = access.request_own_q(request.user)
    forms = {}
    for name, (form_class, rule, service, done) in ACTIONS.items():
        if not _allowed(request.user, found, rule(request.user)):
            continue
        bound = request.method == "POST" and request.POST.get("action") == name
        form = form_class(request.POST if bound else None)
        if bound:
            call = lambda d, s=service: s(request=found, actor=request.user, **d)  # noqa: E731
            if submit(request, form, call):
                messages.success(request, done)
                return redirect("request_detail", pk=pk)
        forms[name] = form
    if request.method == "POST" and request.POST.get("action") not in forms:
        raise Http404("没有找到该诉求")
    return render(request, "service/request_detail.html", {
        "req": found, "updates": found.updates.select_related("by"), "forms": forms,
        "overdue": found.days_overdue(today), "target": escalation_target(found),
        "may_edit": found.is_open and _allowed(request.user, found, own),
    })  # fmt: skip


# ── approvals ───────────────────────────────────────────────────────────────────────


def approval_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    project = get_project_for_user(request.user, code, write=True)
    milestone = project.approvals.filter(pk=pk).first() if pk else None
    if pk and milestone is None:
        raise Http404("没有找到该审批节点")
    form = ApprovalForm(request.POST or None, instance=milestone)
    save = lambda d: approval_save(project=project, data=d, actor=request.user, milestone=milestone)  # type: ignore[arg-type]  # noqa: E731
    if submit(request, form, save):
        messages.success(request, "已保存审批节点")
        return redirect("project_detail", code=code)
    return render(request, "fieldwork/form.html", {
        "form": form, "title": f"审批节点 · {project.name}",
        "cancel_href": reverse("project_detail", args=[code])})  # fmt: skip


def approval_report(request: HttpRequest) -> HttpResponse:
    """Median elapsed days of approvals per item and per unit."""
    scope, choices = scope_from_request(request)
    period = None
    if request.GET.get("period"):
        period = period_from_params(request.GET, timezone.localdate())
    medians = figures.approval_medians(user=request.user, scope=scope, period=period)
    return render(request, "service/approvals.html", {
        "medians": medians, "scope": scope, "choices": choices, "period": period})  # fmt: skip
