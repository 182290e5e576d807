"""Companies and units: the registers projects refer to."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from zhaoshang.api.schemas import CompanyOut, Errors, ProjectOut, UnitOut
from zhaoshang.companies.models import Company
from zhaoshang.org.access import units_in_scope
from zhaoshang.projects.models import Project

router = Router()


class CompanyDetailOut(CompanyOut):
    projects: list[ProjectOut]

    @staticmethod
    def resolve_projects(obj: Any, context: Any) -> list[Any]:
        user = context["request"].user
        visible = Project.objects.visible_to(user).filter(investor=obj)
        return list(visible.select_related("unit", "region", "investor"))


@router.get("/companies", response=list[CompanyOut], tags=["企业"], summary="企业列表")
@paginate(LimitOffsetPagination)
def list_companies(request: HttpRequest, q: str = "") -> Any:
    qs = Company.objects.active().prefetch_related("tags").order_by("name")
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(credit_code=q.strip().upper()))
    return qs


@router.get("/companies/{company_id}", response={200: CompanyDetailOut, 404: Errors}, tags=["企业"],
            summary="企业详情(含可见的项目)")  # fmt: skip
def company_detail(request: HttpRequest, company_id: int) -> Any:
    return get_object_or_404(Company.objects.prefetch_related("tags"), pk=company_id)


@router.get("/units", response=list[UnitOut], tags=["单位"], summary="本人可见范围内的单位")
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, kind: str = "", parent: str = "") -> Any:
    qs = units_in_scope(request.user).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs
