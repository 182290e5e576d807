"""Walk defect 1: the first edit of a demo project read "登记 — <name>" in its 变更记录,
because the demo wrote its rows without their creation history. The class: every row of
every history-tracked model (read from the app registry) that the demo leaves has its
creation row ("+"), holding the many-to-many sets it was created with."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps

from zhaoshang.org.models import User
from zhaoshang.projects.history import project_changes
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import project_update


def _tracked() -> list[type]:
    return [m for m in apps.get_models()
            if getattr(m._meta, "simple_history_manager_attribute", None)]  # fmt: skip


def _history(model: type):  # the historical model of a tracked model
    return getattr(model, model._meta.simple_history_manager_attribute).model


@pytest.fixture
def demo(units):
    from zhaoshang.demo import load_demo

    load_demo(projects=40, seed=11)


def test_every_row_the_demo_leaves_has_its_creation_history_row(demo):
    tracked = _tracked()
    assert {"Project", "Company", "Contact", "Trip", "Team"} <= {m.__name__ for m in tracked}
    missing = {}
    for model in tracked:
        created = set(_history(model).objects.filter(history_type="+").values_list("id", flat=True))
        rows = set(model._base_manager.values_list("pk", flat=True))
        assert rows, f"演示数据里没有{model.__name__}"
        if rows - created:
            missing[model.__name__] = len(rows - created)
    assert missing == {}


def test_creation_rows_hold_the_many_to_many_sets(demo):
    held = 0
    for model in _tracked():
        m2m = [f.name for f in getattr(_history(model), "_history_m2m_fields", [])]
        for name in m2m:
            for obj in model._base_manager.all()[:200]:
                records = list(obj.history.order_by("history_date", "history_id"))
                if len(records) != 1:
                    continue
                now = set(getattr(obj, name).values_list("pk", flat=True))
                field = model._meta.get_field(name)
                key = field.m2m_reverse_field_name()
                kept = {getattr(r, f"{key}_id") for r in getattr(records[0], name).all()}
                assert kept == now, (model.__name__, obj.pk, name)
                held += len(kept)
    assert held > 0  # some demo contacts name their projects


def test_the_first_edit_of_a_demo_project_shows_the_fields_changed(demo):
    project = Project.objects.filter(total_investment__isnull=False).order_by("pk").first()
    before = project.total_investment
    officer = User.objects.get(username="admin")
    project_update(project=project, actor=officer, total_investment=before + Decimal(3000),
                   is_city_key=True)  # fmt: skip
    changes = project_changes(project)
    fields = [c.field for c in changes if c.who == str(officer)]
    assert sorted(fields) == sorted(["总投资(万元)", "市重点"]), changes
    assert "登记" not in fields
    assert [c.reason for c in changes if c.field == "登记"] == ["演示数据"]
