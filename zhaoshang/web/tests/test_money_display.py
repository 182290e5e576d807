"""Walk defect 3 (DESIGN §7 "Showing money"): the dashboard showed 实际到资 "1.3844395亿元",
the briefing mixed "0.8075亿元" with "约0.95亿元", the project list total "618亿元" beside
the dashboard's "557.17亿元", the change history "23800.0000". The class, on a generated
set of amounts with odd precision: every 亿 amount a page prints is either a derived one
(sum, conversion) with exactly two decimals, or a recorded amount as it was entered."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from zhaoshang.factories import make_project
from zhaoshang.lib.money import plain, wan_to_yi
from zhaoshang.projects.history import project_changes
from zhaoshang.projects.models import FxRate, Project
from zhaoshang.projects.services import (
    capital_arrival_record,
    project_move_to_stage,
    project_update,
)

AMOUNT = re.compile(r"(约)?(\d+(?:\.\d+)?)亿(元|美元)")


@pytest.fixture
def amounts(units):
    rng = random.Random(20260)
    rate = {"cny_per_usd": Decimal("7.1234")}
    FxRate.objects.get_or_create(month=dt.date(2023, 6, 1), defaults=rate)
    parent = make_project(unit=units.changle, name="长乐360产业园项目群", amount=None)
    made = []
    for i in range(12):
        wan = Decimal(rng.randint(1000, 99999)) + Decimal(rng.randint(0, 9999)) / 10000
        cent = Decimal("0.01")
        project = make_project(
            unit=units.changle,
            name=f"长乐第{i + 1}号智能制造项目",
            amount=str(wan),
            entered_on=dt.date(2022, 1 + i % 12, 3),
            parent=parent if i < 3 else None,
            expected_arrival_on=dt.date(2023, 7, 1),
            expected_arrival_amount=(wan / 7).quantize(cent),
        )
        stage = ["signed", "landed"][i % 2]
        project_move_to_stage(project=project, stage=stage, effective_on=dt.date(2023, 3, 1),
                              actor=None)  # fmt: skip
        if stage == "landed":
            on = dt.date(2023, 6, 9)
            capital_arrival_record(
                project=project, amount=(wan / 9).quantize(cent), arrived_on=on, actor=None
            )
            capital_arrival_record(
                project=project,
                amount=Decimal("123.4567"),
                currency="USD",
                is_foreign=True,
                arrived_on=on,
                actor=None,
            )
        made.append(project)
    return parent, made


def _recorded() -> set[str]:
    """Every recorded amount in 亿, with the digits it was entered with."""
    out = set()
    for p in Project.objects.all():
        for wan in (p.total_investment, p.contracted_foreign, p.foreign_target,
                    p.expected_arrival_amount):  # fmt: skip
            if wan is not None:
                out.add(plain(wan_to_yi(wan)))
    return out


def test_every_amount_a_page_prints_is_derived_to_two_decimals_or_as_recorded(
    client, owner, amounts
):
    parent, _ = amounts
    client.force_login(owner)
    recorded = _recorded()
    pages = ["/?period=year&year=2023", "/projects/", "/kanban/", f"/projects/{parent.code}/",
             "/briefing/?unit=350112&as_of=2023-12-31", "/lists/expected-arrivals/?period=2023Q3",
             "/lists/signed-not-landed/", "/tables/?unit=350112&as_of=2023-12-31"]  # fmt: skip
    wrong, derived = [], 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for found in AMOUNT.finditer(html):
            approx, number, _ = found.groups()
            two = re.fullmatch(r"\d+\.\d\d", number) is not None
            if two and not approx:
                derived += 1
            elif approx or number not in recorded:
                wrong.append((url, html[found.start() - 60 : found.end()]))
        for number in re.findall(r'<td class="num">(\d+\.\d+)</td>', html):  # tables in 亿元
            if re.fullmatch(r"\d+\.\d\d", number):
                derived += 1
            elif number not in recorded:
                wrong.append((url, number))
    assert wrong == []
    assert derived >= 10


def test_the_list_total_and_the_dashboard_print_a_sum_alike(client, owner, amounts):
    client.force_login(owner)
    total = sum(p.total_investment for p in Project.objects.counted())
    shown = f"{wan_to_yi(total).quantize(Decimal('0.01'))}亿元"
    assert f"总投资 <strong>{shown}</strong>" in client.get("/projects/").content.decode()


def test_the_change_history_shows_amounts_as_entered(owner, amounts):
    _, made = amounts
    project = made[5]
    project.refresh_from_db()
    project_update(project=project, actor=None, total_investment=Decimal("23800"))
    project_update(project=project, actor=None, total_investment=Decimal("80000"))
    latest = next(c for c in project_changes(project) if c.field == "总投资(万元)")
    assert (latest.before, latest.after) == ("23800", "80000")
