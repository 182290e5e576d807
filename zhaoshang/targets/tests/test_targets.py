"""Targets: set from above, checked, compared with the actual against 序时进度."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from zhaoshang.cli import main
from zhaoshang.factories import make_project
from zhaoshang.figures.periods import elapsed_days, period_parse, total_days
from zhaoshang.projects.services import project_move_to_stage
from zhaoshang.targets.models import Target
from zhaoshang.targets.progress import GREEN, RED, YELLOW, light, progress_of
from zhaoshang.targets.services import TargetValue, targets_set

Q1 = period_parse("2017Q1")  # 90 days


@pytest.mark.parametrize(
    ("today", "elapsed", "share"),
    [
        (dt.date(2016, 12, 31), 0, Decimal("0.0")),  # before the quarter
        (dt.date(2017, 1, 1), 1, Decimal("1.1")),  # its first day
        (dt.date(2017, 2, 14), 45, Decimal("50.0")),  # day 45 of 90: half way
        (dt.date(2017, 3, 31), 90, Decimal("100.0")),  # its last day
        (dt.date(2017, 6, 1), 90, Decimal("100.0")),  # after it
    ],
)
def test_elapsed_share_at_the_start_middle_and_end_of_a_quarter(today, elapsed, share):
    assert (elapsed_days(Q1, today), total_days(Q1)) == (elapsed, 90)
    assert (Decimal(elapsed) * 100 / 90).quantize(Decimal("0.1")) == share


def test_lights_against_the_elapsed_share():
    # On day 45 of 90 a target of 10 is on track at 5, yellow from 4 (80 % of 5), red below.
    assert light(Decimal(5), Decimal(10), 45, 90) == GREEN
    assert light(Decimal(4), Decimal(10), 45, 90) == YELLOW
    assert light(Decimal("3.99"), Decimal(10), 45, 90) == RED
    assert light(Decimal(0), Decimal(10), 0, 90) == GREEN  # nothing due yet


def test_periods_that_do_not_exist_are_refused():
    for spec, reason in (
        ("2017Q5", "季度只有第1至第4季度"),
        ("2017-13", "月份只有1至12月"),
        ("2017-05-18..2017-01-01", "结束日期早于开始日期"),
    ):
        with pytest.raises(ValueError, match=reason):
            period_parse(spec)


def test_a_city_sets_district_targets_and_sees_completion(units, city_admin, owner):
    for i in range(3):
        p = make_project(
            unit=units.changle,
            name=f"长乐签约项目{i}",
            amount="50000",
            entered_on=dt.date(2016, 12, 1),
        )
        project_move_to_stage(
            project=p, stage="signed", effective_on=dt.date(2017, 2, 1 + i), actor=None
        )
    changed = targets_set(
        period=Q1,
        actor=city_admin,
        items=[
            TargetValue(units.changle, "signed_count", Decimal(10)),
            TargetValue(units.changle, "signed_amount", Decimal(300000)),
        ],
    )
    assert changed == 2
    targets = list(Target.objects.order_by("measure"))
    progress = {
        p.target.measure: p for p in progress_of(targets, user=owner, today=dt.date(2017, 2, 14))
    }
    count, amount = progress["signed_count"], progress["signed_amount"]
    assert (count.actual, count.completion_pct, count.elapsed_pct) == (
        3,
        Decimal("30.0"),
        Decimal("50.0"),
    )
    assert count.light == RED  # 30 % done with 50 % of the quarter gone: below 80 % of it
    assert (amount.actual, amount.completion_pct, amount.light) == (
        Decimal("150000"),
        Decimal("50.0"),
        GREEN,
    )
    assert (
        targets_set(
            period=Q1,
            actor=city_admin,
            items=[TargetValue(units.changle, "signed_count", Decimal(10))],
        )
        == 0
    )


def test_negative_targets_and_targets_outside_ones_reach_are_refused(units, owner, outsider):
    with pytest.raises(ValidationError) as err:
        targets_set(
            period=Q1,
            actor=outsider,
            items=[TargetValue(units.fuqing, "landed_count", Decimal(-1))],
        )
    assert "无权为“福清市”下达目标" in str(err.value)  # an officer does not set their own unit's
    with pytest.raises(ValidationError) as err:
        targets_set(
            period=Q1,
            actor=outsider,
            items=[TargetValue(units.changle, "landed_count", Decimal(5))],
        )
    assert "无权为“长乐区”下达目标" in str(err.value)
    with pytest.raises(ValidationError) as err:
        targets_set(
            period=Q1,
            actor=None,
            items=[
                TargetValue(units.changle, "landed_count", Decimal(5)),
                TargetValue(units.fuqing, "landed_count", Decimal(-2)),
            ],
        )
    assert "福清市“落地项目数”的目标值不能为负数" in str(err.value)
    assert Target.objects.count() == 0  # the good row was not written either


def test_the_grid_page_saves_a_period_and_refuses_a_bad_cell(client, units, city_admin):
    client.force_login(city_admin)
    page = client.get("/targets/?period=2017Q1").content.decode()
    assert 'name="t-350112-signed_count"' in page and "2017年第1季度" in page
    bad = client.post(
        "/targets/?period=2017Q1",
        {"period": "2017Q1", "t-350112-signed_count": "12", "t-350181-signed_count": "-3"},
    ).content.decode()
    assert "福清市:“签约项目数”的目标值不能为负数" in bad
    assert Target.objects.count() == 0
    response = client.post(
        "/targets/?period=2017Q1",
        {"period": "2017Q1", "t-350112-signed_count": "12", "t-350181-signed_count": "8"},
    )
    assert response.status_code == 302
    assert dict(Target.objects.values_list("unit__code", "value")) == {
        "350112": Decimal(12),
        "350181": Decimal(8),
    }
    assert "不存在" in client.get("/targets/?period=2017Q5").content.decode()


def write_sheet(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def test_targets_import_from_a_sheet_all_or_nothing(tmp_path, units, capsys):
    good = tmp_path / "2017年一季度目标.xlsx"
    write_sheet(
        good,
        [
            ["2017年一季度招商目标任务分解表"],
            ["单位", "签约项目数", "签约总投资(亿元)", "实际利用外资(万美元)"],
            ["长乐区", 10, 30, 500],
            ["福清市", 8, "12.5", None],
            ["合计", 18, 42.5, 500],
        ],
    )
    assert main(["import", "targets", str(good), "--period", "2017Q1"]) == 0
    assert "已导入2017年第1季度目标5项" in capsys.readouterr().out
    values = {(t.unit.name, t.measure): t.value for t in Target.objects.select_related("unit")}
    assert values[("长乐区", "signed_amount")] == Decimal(300000)  # 30亿元 in 万元
    assert values[("福清市", "signed_amount")] == Decimal(125000)
    assert ("福清市", "foreign_usd") not in values  # an empty cell sets nothing
    bad = tmp_path / "bad.xlsx"
    write_sheet(bad, [["单位", "签约项目数"], ["长乐区", 20], ["台江", "很多"], ["火星市", 1]])
    assert main(["import", "targets", str(bad), "--period", "2017Q1"]) == 2
    err = capsys.readouterr().err
    assert "第3行“签约项目数”:“签约项目数”的目标值“很多”不是数字" in err
    assert "第4行“单位”:找不到单位“火星市”" in err
    assert Target.objects.get(unit=units.changle, measure="signed_count").value == 10  # untouched
    assert main(["import", "targets", str(good), "--period", "2017Q5"]) == 2
