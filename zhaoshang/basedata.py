"""Base data every installation needs: the GB/T 2260 units and the default lists.
Idempotent: run again after an upgrade, nothing is duplicated and nothing a city changed
is overwritten."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from zhaoshang.companies.models import CompanyTag
from zhaoshang.org.services import units_load_divisions
from zhaoshang.projects.models import Channel, ProjectKind, ProjectTag
from zhaoshang.service.models import ApprovalItem, RequestCategory

COMPANY_TAGS = ["世界500强", "中国500强", "链主", "龙头", "央企", "国企", "独角兽", "上市"]
CHANNELS = [
    "乡情招商",
    "主官招商",
    "以商招商",
    "中介/招商大使",
    "云招商",
    "展会",
    "小分队招商",
    "驻外招商",
    "产业链招商",
    "基金招商",
]
KINDS = ["新设", "增资扩产", "总部", "区域总部", "研发中心", "结算中心", "生产基地", "并购"]
PROJECT_TAGS = ["外资", "高新技术", "专精特新", "数字经济", "招大引强"]
REQUEST_CATEGORIES = ["用地", "审批", "融资", "人才", "政策兑现", "水电气", "其他"]
APPROVAL_ITEMS = [
    "规划选址",
    "用地预审",
    "立项备案",
    "环评",
    "能评",
    "安评",
    "工程规划许可",
    "施工许可",
    "竣工验收",
]


def _ensure(model, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    for i, name in enumerate(names):
        model.objects.get_or_create(name=name, owner=None, defaults={"sort_order": i})


@transaction.atomic
def load_base_data(progress: Callable[[int], None] | None = None) -> int:
    created = units_load_divisions(progress=progress)
    for i, name in enumerate(COMPANY_TAGS):
        CompanyTag.objects.get_or_create(name=name, defaults={"sort_order": i})
    _ensure(Channel, CHANNELS)
    _ensure(ProjectKind, KINDS)
    _ensure(ProjectTag, PROJECT_TAGS)
    _ensure(RequestCategory, REQUEST_CATEGORIES)
    _ensure(ApprovalItem, APPROVAL_ITEMS)
    return created
