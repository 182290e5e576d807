"""Issue 12 §8: the fast path of a sheet import (bulk.py) and the services one row at a time
give the same books. The same generated sheets — dates, stages, 终止, same-day moves,
investors typed two ways, credit codes already taken, codes across years — are imported
through each into the same fresh state, and every project, stage entry, change-history row
and company is compared field by field (keys and timestamps aside)."""

import csv
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhaoshang.companies.models import Company
from zhaoshang.companies.services import company_create
from zhaoshang.intake.importer import import_projects
from zhaoshang.lib.uscc import check_character
from zhaoshang.projects.models import Project, StageEntry

AS_OF = dt.date(2025, 6, 30)
HEADER = ["项目名称", "投资方", "统一社会信用代码", "总投资(万元)", "入库时间", "签约时间",
          "落地时间", "开工时间", "投产时间", "项目进展", "标签"]  # fmt: skip
NAMES = ["神州优车数字经济产业园项目", "国信优易大数据平台", "榕城冷链物流园", "闽都智能装备产业园",
         "滨海新城数据中心", "马尾船政文创园"]  # fmt: skip
# (typed one way, typed the other way)
INVESTORS = [("神州优车", "神州优车(福建)有限公司"), ("国信优易", "国信优易数据股份有限公司"),
             ("福建电子信息集团", "福建省电子信息(集团)有限责任公司")]  # fmt: skip


def _code(body: str) -> str:
    return body + check_character(body)


TAKEN = _code("91350000MA2XN0JB1")  # held by a company already in the register
CODES = ["", "", TAKEN, _code("91350100MA31ABCD2"), _code("91350105MA8Y7K3L4")]
STAGES = ["", "线索", "在谈", "签约", "签约(合同)", "落地", "开工", "投产", "终止"]
AMOUNTS = ["", "5000", "约3亿元", "1.5亿元", "12345.6789"]
TAGS = ["", "外资", "数字经济、专精特新"]

days = st.dates(min_value=dt.date(2019, 1, 1), max_value=AS_OF)


@st.composite
def rows(draw: st.DrawFn) -> list[str]:
    entered = draw(days)
    later = st.one_of(st.just(entered), days)  # the same day as entry, or any
    dates = [draw(st.one_of(st.none(), later)) for _ in range(4)]
    investor = draw(st.sampled_from([None, *INVESTORS]))
    typed = "" if investor is None else investor[draw(st.integers(0, 1))]
    return [
        draw(st.sampled_from(NAMES)), typed, draw(st.sampled_from(CODES)),
        draw(st.sampled_from(AMOUNTS)), entered.isoformat(),
        *(d.isoformat() if d else "" for d in dates), draw(st.sampled_from(STAGES)),
        draw(st.sampled_from(TAGS)),
    ]  # fmt: skip


def _write(path, body: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["招商项目表"])
        out.writerow([f"截至{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日"])
        out.writerow(HEADER)
        out.writerows(body)


def _books() -> dict[str, object]:
    """Everything the import wrote, keys and times left out, related rows by code/name."""
    drop = {"id", "created_at", "updated_at", "recorded_at", "history_id", "history_date"}
    code = dict(Project.objects.values_list("pk", "code"))
    company = dict(Company.objects.values_list("pk", "name"))

    def plain(row: dict, **swap: dict) -> dict:
        out = {k: v for k, v in row.items() if k not in drop}
        for key, names in swap.items():
            out[key] = names.get(out[key])
        return out

    return {
        "projects": sorted(
            (plain(p, investor_id=company) for p in Project.objects.values()),
            key=lambda p: p["code"],
        ),
        "entries": sorted(
            (plain(e, project_id=code) for e in StageEntry.objects.values()),
            key=lambda e: (e["project_id"], e["seq"], e["action"]),
        ),
        "tags": sorted(
            (code[t.project_id], t.projecttag.name)
            for t in Project.tags.through.objects.select_related("projecttag")
        ),
        "project_history": sorted(
            (plain(h, investor_id=company) for h in Project.history.values()),
            key=lambda h: (h["code"], h["history_type"]),
        ),
        "companies": sorted((plain(c) for c in Company.objects.values()), key=lambda c: c["name"]),
        "company_history": sorted(
            (plain(h) for h in Company.history.values()),
            key=lambda h: (h["name"], h["history_type"]),
        ),
    }


class _Rollback(Exception):
    pass


def _imported(path, units, *, one_by_one: bool) -> tuple[dict, list]:
    outcome: dict = {}
    try:
        with transaction.atomic():
            report = import_projects(path=path, unit=units.changle, one_by_one=one_by_one,
                                     workers=0)  # fmt: skip
            outcome = _books()
            raise _Rollback
    except _Rollback:
        pass
    return outcome, [(r["row"], r["field"]) for r in report.rejected]


@pytest.fixture
def register(units):
    company_create(name="福建省电子信息(集团)有限责任公司", credit_code=TAKEN, actor=None)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.lists(rows(), min_size=1, max_size=12))
def test_fast_path_and_services_write_the_same_books(units, register, tmp_path, body):
    path = tmp_path / "长乐项目.csv"
    _write(path, body)
    fast, fast_rejected = _imported(path, units, one_by_one=False)
    slow, slow_rejected = _imported(path, units, one_by_one=True)
    assert [r for r, _ in fast_rejected] == [r for r, _ in slow_rejected]
    for part in fast:
        assert fast[part] == slow[part], part
