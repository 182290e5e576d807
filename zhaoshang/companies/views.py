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
from zhaoshang.org.access import can_write
from zhaoshang.projects.models import Project


def company_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    companies = Company.objects.active().order_by("name")
    if q:
        companies = companies.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    return render(request, "companies/list.html", {"page": page, "q": q})


def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.prefetch_related("tags"), pk=pk)
    projects = Project.objects.visible_to(request.user).filter(investor=company)
    duplicates = company_duplicate_candidates(company=company).annotate(n=Count("projects"))
    return render(request, "companies/detail.html", {
        "company": company, "projects": projects.select_related("unit"),
        "duplicates": duplicates, "can_merge": can_write(request.user),
        "contacts": company.contacts.all() if projects.exists() else [],
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
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已将“{duplicate.name}”合并到“{keep.name}”")
    return redirect("company_detail", pk=pk)
