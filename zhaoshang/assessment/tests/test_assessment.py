"""A staged assessment ("518"阶段考评) scored against a small hand-computed example."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from zhaoshang.assessment.models import Run
from zhaoshang.assessment.scoring import score
from zhaoshang.assessment.services import run_publish, run_reproduce, scheme_run, scheme_save
from zhaoshang.factories import make_project
from zhaoshang.figures.periods import period_parse
from zhaoshang.projects.services import project_drop, project_move_to_stage
from zhaoshang.targets.services import TargetValue, targets_set

STAGE = period_parse("2017-01-01..2017-05-18")
INDICATORS = [
    {"measure": "landed_amount", "weight": Decimal(60), "cap": Decimal("1.2")},
    {
        "measure": "landed_count",
        "weight": Decimal(40),
        "cap": Decimal(1),
        "tier_threshold": Decimal(100000),
        "tier_factor": Decimal(2),
    },
]


def landed(unit, name, amount, on=dt.date(2017, 3, 1)):
    p = make_project(unit=unit, name=name, amount=amount, entered_on=dt.date(2016, 10, 1))
    project_move_to_stage(project=p, stage="landed", effective_on=on, actor=None)
    return p


@pytest.fixture
def scheme(units, city_admin):
    targets_set(
        period=STAGE,
        actor=city_admin,
        items=[
            TargetValue(u, m, v)
            for u in (units.changle, units.fuqing, units.minhou)
            for m, v in (("landed_amount", Decimal(100000)), ("landed_count", Decimal(4)))
        ],
    )
    return scheme_save(
        data={
            "name": "“518”阶段考评",
            "owner": units.fuzhou,
            "period": STAGE,
            "units": [units.changle, units.fuqing, units.minhou],
            "deduct_dropped": Decimal(2),
        },
        indicators=INDICATORS,
        actor=city_admin,
    )


def test_ranking_against_a_hand_computed_example_with_a_tie(units, city_admin, scheme):
    # 长乐: 12亿 landed in 2 projects → amount 1.2 (at the cap) × 60 = 72; count 2/4 × 40 = 20.
    landed(units.changle, "神州优车运营总部", "60000")
    landed(units.changle, "中天恒基广场", "60000")
    # 福清: one 15亿 project → amount 1.5 capped to 1.2 → 72; it counts twice (≥10亿) → 20.
    landed(units.fuqing, "福清万华化学", "150000")
    # 闽侯: 5亿 → 30; 1/4 → 10; one project dropped in the stage: −2.
    landed(units.minhou, "闽侯文旅产业生态城", "50000")
    lost = make_project(unit=units.minhou, name="闽侯某项目", entered_on=dt.date(2016, 10, 1))
    project_drop(project=lost, effective_on=dt.date(2017, 4, 1), reason="企业撤回", actor=None)
    landed(units.fuqing, "考评期后落地项目", "900000", on=dt.date(2017, 5, 19))  # after the stage

    run = scheme_run(scheme=scheme, actor=city_admin, as_of=dt.date(2017, 5, 31))
    table = [(r["rank"], r["name"], Decimal(r["total"])) for r in run.results]
    # 福清 and 长乐 tie on 92: both complete the heaviest indicator at the cap, so the
    # larger landed investment (15亿 against 12亿) ranks 福清 first.
    assert table == [
        (1, "福清市", Decimal(92)),
        (2, "长乐区", Decimal(92)),
        (3, "闽侯县", Decimal(38)),
    ]
    minhou = run.results[2]
    assert (Decimal(minhou["gained"]), Decimal(minhou["deducted"])) == (40, 2)
    fuqing = next(u for u in run.inputs["units"] if u["code"] == "350181")
    assert fuqing["figures"]["landed_count"] == {"actual": "1", "target": "4", "tier_extra": "1"}
    assert run_reproduce(run)


def test_a_stored_run_is_reproduced_from_its_inputs_and_published_runs_never_change(
    units, city_admin, scheme
):
    landed(units.changle, "项目甲", "100000")
    run = scheme_run(scheme=scheme, actor=city_admin, as_of=dt.date(2017, 5, 31))
    landed(units.minhou, "之后补录的项目", "500000")  # later records do not touch the stored run
    stored = Run.objects.get(pk=run.pk)
    assert score(stored.inputs) == stored.results
    run_publish(run=run, actor=city_admin)
    stored.refresh_from_db()
    stored.results = []
    with pytest.raises(ValidationError, match="已发布的考评结果不能修改"):
        stored.save()
    with pytest.raises(ValidationError, match="已发布"):
        run_publish(run=run, actor=city_admin)
    with pytest.raises(ValidationError, match="不能删除"):
        Run.objects.get(pk=run.pk).delete()


def test_bad_schemes_are_refused(units, city_admin, owner, scheme):
    data = {"name": "考评", "owner": units.fuzhou, "period": STAGE, "units": [units.changle]}
    with pytest.raises(ValidationError, match="权重之和为90%,应为100%"):
        scheme_save(
            data=data,
            actor=city_admin,
            indicators=[{"measure": "landed_count", "weight": Decimal(90)}],
        )
    with pytest.raises(ValidationError, match="参评单位超出您的管理范围:福州市、福清市"):
        scheme_save(
            data={**data, "units": [units.changle, units.fuqing]},
            actor=owner,
            indicators=[{"measure": "landed_count", "weight": Decimal(100)}],
        )
    bare = scheme_save(
        data={**data, "period": period_parse("2018")},
        actor=city_admin,
        indicators=[{"measure": "signed_count", "weight": Decimal(100)}],
    )
    with pytest.raises(ValidationError, match="缺少本期目标:长乐区“签约项目数”"):
        scheme_run(scheme=bare, actor=city_admin, as_of=dt.date(2018, 6, 1))
    assert not Run.objects.exists()


def test_ranking_page_and_excel(client, units, city_admin, scheme):
    landed(units.changle, "神州优车运营总部", "120000")
    client.force_login(city_admin)
    response = client.post(f"/assessments/{scheme.pk}/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "按保存的输入复算结果一致" in page and "长乐区" in page
    xlsx = client.get(response["Location"] + "?export=xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet["A1"].value == "“518”阶段考评考评结果"
    assert sheet["C3"].value == "落地总投资(权重60%)" and sheet["C4"].value == "完成率"
    assert "C3:D3" in {str(r) for r in sheet.merged_cells.ranges}
    assert (sheet["A5"].value, sheet["B5"].value) == (1, "长乐区")
    # 72 + 20 (one project of 12亿 counts twice), no deduction
    assert [sheet.cell(5, c).value for c in (7, 8, 9)] == [92, 0, 92]


def test_an_assessed_district_sees_only_published_results(client, units, city_admin, owner, scheme):
    landed(units.changle, "项目甲", "100000")
    run = scheme_run(scheme=scheme, actor=city_admin, as_of=dt.date(2017, 5, 31))
    client.force_login(owner)
    assert client.get(f"/assessments/runs/{run.pk}/").status_code == 404
    assert "截至2017-05-31" not in client.get(f"/assessments/{scheme.pk}/").content.decode()
    run_publish(run=run, actor=city_admin)
    assert "长乐区" in client.get(f"/assessments/runs/{run.pk}/").content.decode()
    assert client.post(f"/assessments/{scheme.pk}/").status_code == 404  # runs are the city's
    client.force_login(city_admin)
    response = client.post(
        "/assessments/new/",
        {
            "name": "权重不足的考评",
            "period": "2017",
            "owner": "350100",
            "units": ["350112"],
            "m0": "signed_count",
            "w0": "90",
        },
    )
    assert "权重之和为90%,应为100%" in response.content.decode()
