"""The bulk writer (multi-row INSERTs on SQLite, COPY text on PostgreSQL) stores exactly
the values the ORM would: names with a backslash, a tab or a line break, amounts, dates,
empty values and flags come back as they went in."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhaoshang.projects.bulk import insert_new_rows, new_row
from zhaoshang.projects.models import Project


def test_awkward_values_survive_the_bulk_insert(units):
    now = timezone.now()
    awkward = [
        "福州\\滨海新城项目",
        "长乐\t数字经济产业园",
        "闽侯\n竹岐乡项目",
        "\\N",
        "约3亿元'项目",
        '{马尾,"船政"}文旅项目',
    ]
    rows = []
    for i, name in enumerate(awkward):
        row = new_row(Project)
        row.update(
            code=f"FZ-BULK-{i}", name=name, normalized_name=name, unit_id=units.fuzhou.pk,
            stage="signed" if i % 2 else "lead", stage_on=dt.date(2022, 1, 27),
            entered_on=dt.date(2022, 1, 5), created_at=now, updated_at=now,
            total_investment=Decimal("30000.5") if i % 2 else None,
            total_investment_approx=bool(i % 2),
        )  # fmt: skip
        rows.append(row)
    ids = insert_new_rows(Project, rows, now=now, history_reason="导入自 测试.xlsx")
    stored = {p.pk: p for p in Project.objects.filter(pk__in=ids)}
    for pk, name, i in zip(ids, awkward, range(len(awkward)), strict=True):
        project = stored[pk]
        assert project.name == name
        assert project.stage_on == dt.date(2022, 1, 27)
        assert project.total_investment == (Decimal("30000.5") if i % 2 else None)
        assert project.total_investment_approx is bool(i % 2)
        assert project.history.get().history_change_reason == "导入自 测试.xlsx"


def test_any_of_finds_names_a_sql_array_would_need_quoted(units):
    """`__any_of` (one array on PostgreSQL) finds exactly the names asked, braces, quotes,
    commas and backslashes included, and nothing for a name not recorded."""
    now = timezone.now()
    names = ['{马尾,"船政"}文旅项目', "福州\\滨海新城项目", "约3亿元'项目", "长乐区数字经济产业园"]
    rows = []
    for i, name in enumerate(names):
        row = new_row(Project)
        row.update(code=f"FZ-ANY-{i}", name=name, normalized_name=name, unit_id=units.fuzhou.pk,
                   stage="lead", stage_on=dt.date(2022, 1, 27), entered_on=dt.date(2022, 1, 27),
                   created_at=now, updated_at=now)  # fmt: skip
        rows.append(row)
    insert_new_rows(Project, rows, now=now, history_reason=None)
    asked = [names[0], names[1], names[2], names[0], "马尾船政文旅项目"]
    found = Project.objects.filter(normalized_name__any_of=asked)
    assert sorted(found.values_list("name", flat=True)) == sorted(names[:3])
    assert not Project.objects.filter(normalized_name__any_of=[]).exists()
