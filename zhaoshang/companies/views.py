"""Company pages: the register, a company with the projects the user may see, merging."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from zhaoshang.companies.models import Company
from zhaoshang.companies.services import company_duplicate_candidates, company_merge
from zhaoshang.fieldwork.figures import company_contact_stats
from zhaoshang.lib.names import normalize_company_name
from zhaoshang.org.access import can_write, filter_by, owned_read_q
from zhaoshang.projects.models import Project


def company_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    companies = Company.objects.active().order_by("name")
    if q:
        companies = companies.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    return render(request, "companies/list.html", {"page": page, "q": q})


def company_search(request: HttpRequest) -> HttpResponse:
    """Name suggestions for the company fields (a <datalist>'s options): the normalised
    name first, so "神州优车" offers "神州优车(福建)有限公司"."""
    q = request.GET.get("q", "").strip()
    found: list[str] = []
    if q:
        key = normalize_company_name(q)
        qs = Company.objects.active().filter(
            Q(name__icontains=q) | Q(normalized_name__contains=key)
        )
        found = list(qs.order_by("name").values_list("name", flat=True)[:15])
    return render(request, "companies/options.html", {"names": found})


def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.prefetch_related("tags"), pk=pk)
    projects = Project.objects.visible_to(request.user).filter(investor=company)
    duplicates = company_duplicate_candidates(company=company).annotate(n=Count("projects"))
    field_contacts = filter_by(company.field_contacts.all(), owned_read_q(request.user))
    return render(request, "companies/detail.html", {
        "company": company, "projects": projects.select_related("unit"),
        "duplicates": duplicates, "can_merge": can_write(request.user),
        "contacts": company.contacts.all() if projects.exists() else [],
        "stats": company_contact_stats(company, request.user),
        "field_contacts": field_contacts.prefetch_related("projects")[:20],
        "can_write": can_write(request.user),
    })  # fmt: skip


def company_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Fold a suggested duplicate into this company (POST duplicate=<id>)."""
    if request.method != "POST":
        return redirect("company_detail", pk=pk)
    if not can_write(request.user):
        raise PermissionDenied("无权合并企业")
    keep = get_object_or_404(Company.objects.active(), pk=pk)
    duplicate = get_object_or_404(Company.objects.active(), pk=request.POST.get("duplicate"))
    try:
        company_merge(keep=keep, duplicate=duplicate, actor=request.user)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"已将“{duplicate.name}”合并到“{keep.name}”")
    return redirect("company_detail", pk=pk)
