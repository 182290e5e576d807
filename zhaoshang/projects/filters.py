"""The project filters shared by the list page, its Excel export, the kanban and the API,
and the drill-downs behind every dashboard figure (projects in a bucket on a date, projects
that reached a stage in a period)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q

from zhaoshang.figures.pipeline import BUCKET_OF_STAGE, reached_in
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.projects.models import (
    CapitalArrival,
    Channel,
    IndustryChain,
    Project,
    ProjectKind,
    ProjectTag,
)
from zhaoshang.projects.querysets import ProjectQuerySet
from zhaoshang.projects.stages import Stage

SORTS = {
    "-entered_on": "入库日期(新→旧)",
    "entered_on": "入库日期(旧→新)",
    "-total_investment": "总投资(大→小)",
    "total_investment": "总投资(小→大)",
    "-stage_on": "阶段日期(新→旧)",
    "code": "项目编号",
    "name": "项目名称",
}
FLOW_CHOICES = [("signed", "签约"), ("landed", "落地"), ("construction", "开工"),
                ("operating", "投产")]  # fmt: skip
BUCKET_CHOICES = [("lead", "线索"), ("signed", "已签约"), ("landed", "落地"),
                  ("signed_up", "已签约及落地"), ("total", "合计")]  # fmt: skip


def _subtree(field: str) -> Any:
    def method(qs: ProjectQuerySet, name: str, value: Unit | None) -> ProjectQuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{field}__in": Unit.objects.subtree(value).values("id")})

    return method


class ProjectFilter(filters.FilterSet):
    q = filters.CharFilter(label="搜索", method="search")
    stage = filters.MultipleChoiceFilter(label="阶段", choices=Stage.choices)
    unit = filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), to_field_name="code", method=_subtree("unit_id")
    )
    region = filters.ModelChoiceFilter(
        label="落地区域", queryset=Unit.objects.none(), to_field_name="code",
        method=_subtree("region_id"),
    )  # fmt: skip
    park = filters.ModelChoiceFilter(
        label="园区", queryset=Unit.objects.filter(kind=UnitKind.PARK), to_field_name="code"
    )
    chain = filters.ModelChoiceFilter(label="产业链", queryset=IndustryChain.objects.all())
    channel = filters.ModelChoiceFilter(label="招商渠道", queryset=Channel.objects.all())
    kind = filters.ModelChoiceFilter(label="项目类型", queryset=ProjectKind.objects.all())
    tags = filters.ModelMultipleChoiceFilter(label="标签", queryset=ProjectTag.objects.all())
    provincial_key = filters.BooleanFilter(label="省重点", field_name="is_provincial_key")
    city_key = filters.BooleanFilter(label="市重点", field_name="is_city_key")
    amount_min = filters.NumberFilter(
        label="总投资不少于(万元)", field_name="total_investment", lookup_expr="gte"
    )
    amount_max = filters.NumberFilter(
        label="总投资不超过(万元)", field_name="total_investment", lookup_expr="lte"
    )
    entered_from = filters.DateFilter(
        label="入库日期起", field_name="entered_on", lookup_expr="gte"
    )
    entered_to = filters.DateFilter(label="入库日期止", field_name="entered_on", lookup_expr="lte")
    # Drill-downs of the dashboard figures (see figures.pipeline for the counting rules).
    as_of = filters.DateFilter(label="截至日期", method="noop")
    bucket = filters.ChoiceFilter(label="分类", choices=BUCKET_CHOICES, method="noop")
    reached = filters.ChoiceFilter(label="达到阶段", choices=FLOW_CHOICES, method="noop")
    period_from = filters.DateFilter(label="期间起", method="noop")
    period_to = filters.DateFilter(label="期间止", method="noop")
    arrival_from = filters.DateFilter(label="到资期间起", method="noop")
    arrival_to = filters.DateFilter(label="到资期间止", method="noop")
    arrival_foreign = filters.BooleanFilter(label="外资到资", method="noop")
    sort = filters.ChoiceFilter(label="排序", choices=list(SORTS.items()), method="noop")

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, *, user: Any, **kw: Any) -> None:
        from zhaoshang.org.access import units_in_scope

        super().__init__(data, queryset=queryset, **kw)
        scope = units_in_scope(user)
        self.filters["unit"].queryset = scope
        self.filters["region"].queryset = scope
        self.filters["park"].queryset = scope.filter(kind=UnitKind.PARK)

    def noop(self, qs: ProjectQuerySet, name: str, value: Any) -> ProjectQuerySet:
        return qs  # applied together in filter_queryset

    def search(self, qs: ProjectQuerySet, name: str, value: str) -> ProjectQuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(code__iexact=value) | Q(investor__name__icontains=value)
        )

    def filter_queryset(self, queryset: Any) -> Any:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("as_of") and data.get("bucket"):
            qs = in_bucket(qs, data["as_of"], data["bucket"])
        if data.get("reached") and data.get("period_from") and data.get("period_to"):
            qs = reached_in(qs, data["reached"], data["period_from"], data["period_to"])
        if data.get("arrival_from") and data.get("arrival_to"):
            arrived = CapitalArrival.objects.filter(
                arrived_on__gte=data["arrival_from"], arrived_on__lte=data["arrival_to"],
                in_effect=True,
            )  # fmt: skip
            if data.get("arrival_foreign"):
                arrived = arrived.filter(is_foreign=True)
            qs = qs.counted().filter(pk__in=arrived.values("project_id"))
        sort = data.get("sort") or "-entered_on"
        return qs.order_by(sort, "-id")


def in_bucket(qs: ProjectQuerySet, as_of: Any, bucket: str) -> ProjectQuerySet:
    """Projects counted in a snapshot bucket on `as_of` ("total": in any bucket)."""
    wanted = {"total": {"lead", "signed", "landed"}, "signed_up": {"signed", "landed"}}
    buckets = wanted.get(bucket, {bucket})
    stages = [s for s, b in BUCKET_OF_STAGE.items() if b in buckets]
    return qs.counted().in_effect_on(as_of, stages)
