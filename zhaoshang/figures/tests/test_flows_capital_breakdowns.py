import datetime as dt
from decimal import Decimal

import pytest

from zhaoshang.factories import make_project
from zhaoshang.figures.breakdowns import flows_breakdown, snapshot_breakdown
from zhaoshang.figures.capital import MissingRateError, capital_figures
from zhaoshang.figures.pipeline import pipeline_flows, pipeline_snapshot
from zhaoshang.org.services import unit_add
from zhaoshang.projects.models import CapitalArrival, FxRate, IndustryChain, Project
from zhaoshang.projects.services import (
    capital_arrival_record,
    project_drop,
    project_move_to_stage,
    project_revive,
)

Q1 = (dt.date(2022, 1, 1), dt.date(2022, 3, 31))


def move(p, stage, on, **kw):
    return project_move_to_stage(project=p, stage=stage, effective_on=on, actor=None, **kw)


def test_flows_count_by_effective_date_not_by_record_date(units):
    a = make_project(unit=units.changle, name="甲", entered_on=dt.date(2021, 6, 1), amount="30000")
    move(a, "signed", dt.date(2022, 1, 27))
    move(a, "landed", dt.date(2022, 1, 27))  # signed and landed the same day: in both flows
    b = make_project(unit=units.changle, name="乙", entered_on=dt.date(2021, 6, 1), amount="5000.5")
    move(b, "landed", dt.date(2022, 2, 8))  # skipped 签约: it reached signed by landing
    c = make_project(unit=units.changle, name="丙", entered_on=dt.date(2021, 6, 1), amount="7000")
    move(c, "signed", dt.date(2021, 12, 31))  # before the quarter
    flows = pipeline_flows(projects=Project.objects.all(), start=Q1[0], end=Q1[1])
    assert (flows["signed"].count, flows["signed"].amount_wan) == (2, Decimal("35000.5"))
    assert (flows["landed"].count, flows["landed"].amount_wan) == (2, Decimal("35000.5"))
    assert flows["construction"].count == 0


def test_a_revived_project_is_not_counted_twice(units):
    p = make_project(unit=units.changle, name="复活项目", entered_on=dt.date(2021, 1, 1))
    move(p, "signed", dt.date(2021, 3, 1))
    project_drop(project=p, effective_on=dt.date(2021, 6, 1), reason="搁置", actor=None)
    project_revive(project=p, effective_on=dt.date(2022, 2, 1), actor=None)
    flows = pipeline_flows(projects=Project.objects.all(), start=Q1[0], end=Q1[1])
    assert flows["signed"].count == 0
    snap = pipeline_snapshot(projects=Project.objects.all(), as_of=dt.date(2021, 12, 31))
    assert snap.total.count == 0  # dropped on that day
    assert (
        pipeline_snapshot(projects=Project.objects.all(), as_of=Q1[1]).bucket("signed").count == 1
    )


def test_many_fractional_amounts_sum_to_the_last_digit(units):
    amounts = [
        Decimal("1234.5678"),
        Decimal("0.0001"),
        Decimal("99999999.9999"),
        Decimal("0.3"),
    ] * 30
    for i, amount in enumerate(amounts):
        make_project(
            unit=units.changle, name=f"项目{i}", entered_on=dt.date(2020, 1, 1), amount=amount
        )
    snap = pipeline_snapshot(projects=Project.objects.all(), as_of=dt.date(2020, 1, 1))
    assert snap.total.amount_wan == sum(amounts)
    assert str(snap.total.amount_wan) == "3000037046.0340"


def test_capital_arrived_and_foreign_capital_utilised(units):
    p = make_project(unit=units.changle, name="台资项目", entered_on=dt.date(2021, 1, 1))
    FxRate.objects.create(month=dt.date(2022, 1, 1), cny_per_usd=Decimal("6.3794"))
    FxRate.objects.create(month=dt.date(2022, 2, 1), cny_per_usd=Decimal("6.3580"))
    capital_arrival_record(
        project=p,
        amount=Decimal("1000"),
        currency="USD",
        is_foreign=True,
        arrived_on=dt.date(2022, 1, 20),
        actor=None,
    )
    capital_arrival_record(
        project=p,
        amount=Decimal("6358"),
        currency="CNY",
        is_foreign=True,
        arrived_on=dt.date(2022, 2, 10),
        actor=None,
    )
    capital_arrival_record(
        project=p,
        amount=Decimal("500.5"),
        currency="CNY",
        arrived_on=dt.date(2022, 3, 1),
        actor=None,
    )
    capital_arrival_record(
        project=p, amount=Decimal("9"), currency="CNY", arrived_on=dt.date(2022, 4, 1), actor=None
    )  # after the quarter
    figs = capital_figures(projects=Project.objects.all(), start=Q1[0], end=Q1[1])
    assert figs.arrived_cny_wan == Decimal("6379.4") + Decimal("6358") + Decimal("500.5")
    assert figs.foreign_usd_wan == Decimal("1000") + Decimal("1000")
    assert figs.arrivals == 3


def test_a_month_without_a_rate_is_an_error_not_zero(units):
    """An arrival left unconverted (kept from before arrivals kept their rate, its month
    then without one: the backfill migration leaves it so) is named, not summed as zero;
    a new one is refused at recording (test_money_after_the_fact)."""
    p = make_project(unit=units.changle, name="外资项目", entered_on=dt.date(2021, 1, 1))
    CapitalArrival.objects.create(
        project=p, amount=Decimal("10"), currency="USD", is_foreign=True,
        arrived_on=dt.date(2022, 3, 5), usd_wan=Decimal("10"),
    )  # fmt: skip
    with pytest.raises(MissingRateError, match="缺少2022年3月的美元汇率"):
        capital_figures(projects=Project.objects.all(), start=Q1[0], end=Q1[1])


def test_breakdown_by_child_unit_rolls_parks_up_into_their_district(units):
    park = unit_add(parent=units.changle, name="东南大数据产业园", kind="park")
    make_project(unit=park, name="园区项目", entered_on=dt.date(2020, 1, 1), amount="1000")
    make_project(unit=units.changle, name="区项目", entered_on=dt.date(2020, 1, 1), amount="2000")
    make_project(unit=units.fuqing, name="福清项目", entered_on=dt.date(2020, 1, 1), amount="4000")
    make_project(unit=units.fuzhou, name="市本级项目", entered_on=dt.date(2020, 1, 1), amount="8")
    rows = snapshot_breakdown(
        projects=Project.objects.all(),
        as_of=dt.date(2020, 6, 1),
        dimension="unit",
        parent=units.fuzhou,
    )
    got = {r.label: (r.snapshot.total.count, r.snapshot.total.amount_wan) for r in rows}
    assert got == {
        "长乐区": (2, Decimal("3000")),
        "福清市": (1, Decimal("4000")),
        "福州市": (1, Decimal("8")),
    }
    flows = flows_breakdown(
        projects=Project.objects.all(),
        start=dt.date(2020, 1, 1),
        end=dt.date(2020, 12, 31),
        dimension="unit",
        parent=units.fuzhou,
    )
    assert all(r.flows["signed"].count == 0 for r in flows)


def test_breakdown_by_chain_names_unfilled(units):
    chain = IndustryChain.objects.create(name="数字经济", owner=units.fuzhou)
    make_project(
        unit=units.changle,
        name="数据项目",
        entered_on=dt.date(2020, 1, 1),
        amount="10",
        chain=chain,
    )
    make_project(unit=units.changle, name="未分类项目", entered_on=dt.date(2020, 1, 1), amount="5")
    rows = snapshot_breakdown(
        projects=Project.objects.all(), as_of=dt.date(2020, 1, 1), dimension="chain"
    )
    assert [(r.label, r.snapshot.total.amount_wan) for r in rows] == [
        ("数字经济", Decimal("10")),
        ("未填写", Decimal("5")),
    ]
