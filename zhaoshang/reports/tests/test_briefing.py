"""The written briefing from the records: the seed's first paragraph reproduced from 247
projects built through the services, the unit's own voice, links behind every figure."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import docx
import pytest

from zhaoshang.assessment.services import run_publish, scheme_run, scheme_save
from zhaoshang.cli import main
from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.fieldwork.services import contact_log, trip_save
from zhaoshang.figures.periods import period_parse
from zhaoshang.projects.services import (
    capital_arrival_record,
    project_create,
    project_move_to_stage,
)
from zhaoshang.reports.briefing import briefing_build, previous_window
from zhaoshang.targets.services import TargetValue, targets_set

SEED_001 = (
    "截至7月份,我区共对接洽谈项目247个、总投资1947.60亿元,其中落地项目105个、总投资756.20亿元,"
    "线索项目126个、总投资769.01亿元,已签约项目16个、总投资422.39亿元。"
)


def build_changle_2017(unit):
    """105 landed (756.2亿元), 126 leads (769.01亿元), 16 signed (422.39亿元), each made
    by project_create with its stage and date, as an officer or an import would."""
    groups = [
        ("landed", 105, "72000", "74000"),
        ("lead", 126, "61000", "65100"),
        ("signed", 16, "264000", "263900"),
    ]
    n = 0
    for stage, count, amount, last in groups:
        for i in range(count):
            n += 1
            project_create(
                actor=None,
                unit=unit,
                name=f"长乐区2017年第{n}号项目",
                stage=stage,
                effective_on=dt.date(2017, 1, 1) + dt.timedelta(days=n % 180),
                total_investment=Decimal(last if i == count - 1 else amount),
                sign_kind="contract" if stage == "signed" else "",
            )
    # Not in the pipeline on 2017-07-31: entered later, or dropped before.
    project_create(
        actor=None,
        unit=unit,
        name="八月入库项目",
        stage="lead",
        effective_on=dt.date(2017, 8, 2),
        total_investment=Decimal(1000),
    )


def test_the_first_paragraph_of_seed_001_comes_out_of_the_records(units):
    build_changle_2017(units.changle)
    b = briefing_build(user=None, unit=units.changle, as_of=dt.date(2017, 7, 31))
    assert b.sections[0].text == SEED_001
    assert b.text.startswith("长乐区招商工作简报\n(2017年7月31日)\n\n" + SEED_001)


def test_the_voice_follows_the_units_level(units):
    make_project(
        unit=units.minhou,
        name="闽侯文旅产业生态城",
        amount="500000",
        entered_on=dt.date(2022, 1, 5),
    )
    as_of = dt.date(2022, 1, 31)
    assert (
        briefing_build(user=None, unit=units.minhou, as_of=as_of)
        .sections[0]
        .text.startswith("截至1月份,我县共对接洽谈项目1个、总投资50.00亿元")
    )
    assert (
        "截至1月20日,我市"
        in briefing_build(user=None, unit=units.fuzhou, as_of=dt.date(2022, 1, 20)).sections[0].text
    )


@pytest.fixture
def year_of_work(units, city_admin, owner):
    """Two years of 长乐 records, so 2022 can be compared with 2021."""
    for year, names in (
        (2021, ["2021年签约项目"]),
        (2022, ["福大紫金氢能项目", "纵腾跨境电商赋能中心", "高端精品冷轧项目"]),
    ):
        for i, name in enumerate(names):
            p = make_project(
                unit=units.changle,
                name=name,
                amount=str(100000 * (i + 1)),
                entered_on=dt.date(year - 1, 11, 1),
                actor=owner,
            )
            project_move_to_stage(
                project=p, stage="signed", actor=owner, effective_on=dt.date(year, 1, 27 - i)
            )
    landed = make_project(
        unit=units.changle,
        name="空港保税物流园",
        amount="250000",
        entered_on=dt.date(2021, 6, 1),
        actor=owner,
    )
    project_move_to_stage(
        project=landed, stage="landed", effective_on=dt.date(2022, 2, 8), actor=owner
    )
    capital_arrival_record(
        project=landed, amount=Decimal("12000"), arrived_on=dt.date(2022, 3, 1), actor=owner
    )
    capital_arrival_record(
        project=landed, amount=Decimal("8000"), arrived_on=dt.date(2021, 3, 1), actor=owner
    )
    trip_save(
        data={
            "unit": units.changle,
            "leader_name": "区委书记",
            "leader_type": "main",
            "cities": "北京、杭州",
            "start_on": dt.date(2022, 3, 6),
            "end_on": dt.date(2022, 3, 8),
        },
        actor=owner,
    )
    contact_log(
        data={
            "kind": "inspection",
            "contacted_on": dt.date(2022, 3, 10),
            "unit": units.changle,
            "company": CompanyFactory(name="国家信息中心"),
            "outcome": "来长乐考察大数据产业园",
        },
        actor=owner,
    )
    q1 = period_parse("2022Q1")
    targets_set(
        period=q1, actor=city_admin, items=[TargetValue(units.changle, "signed_count", Decimal(6))]
    )
    for unit in (units.changle, units.fuqing):
        targets_set(
            period=q1, actor=city_admin, items=[TargetValue(unit, "signed_amount", Decimal(300000))]
        )
    scheme = scheme_save(
        data={
            "name": "“开门红”阶段考评",
            "owner": units.fuzhou,
            "period": q1,
            "units": [units.changle, units.fuqing],
        },
        actor=city_admin,
        indicators=[{"measure": "signed_amount", "weight": Decimal(100)}],
    )
    run_publish(
        run=scheme_run(scheme=scheme, actor=city_admin, as_of=dt.date(2022, 3, 31)),
        actor=city_admin,
    )


def test_the_briefing_tells_flows_capital_targets_rank_and_field_work(units, owner, year_of_work):
    b = briefing_build(user=owner, unit=units.changle, as_of=dt.date(2022, 3, 31))
    text = b.text
    # The landed project counts as signed too (it reached 签约 or later in the period).
    assert (
        "今年以来,新签约项目4个、总投资85.00亿元,同比增加3个;新落地项目1个、总投资25.00亿元;"
        "新开工项目0个。"
    ) in text
    assert (
        "其中,高端精品冷轧项目(30亿元)、空港保税物流园(25亿元)、纵腾跨境电商赋能中心(20亿元)"
        "等项目相继签约,空港保税物流园(25亿元)落地。"
    ) in text
    assert "实际到资1.20亿元,同比增长50%,实际利用外资0.00亿美元。" in text
    assert "签约项目数完成4个,完成2022年第1季度目标的66.7%(序时进度100.0%)" in text
    assert "在“开门红”阶段考评中,我区总分100.00分,在2个参评单位中位列第一名。" in text
    assert "外出招商1次(其中主要领导带队1次),拜访企业0家次,接待客商来访考察1批次。" in text
    assert b.as_json()["figures"]["pipeline"]["total"]["count"] == 5


def test_month_and_quarter_windows_are_compared_with_the_one_before():
    assert previous_window(dt.date(2022, 3, 1), dt.date(2022, 3, 31)) == (
        dt.date(2022, 2, 1),
        dt.date(2022, 2, 28),
    )
    assert previous_window(dt.date(2022, 4, 1), dt.date(2022, 6, 30)) == (
        dt.date(2022, 1, 1),
        dt.date(2022, 3, 31),
    )
    assert previous_window(dt.date(2022, 1, 1), dt.date(2022, 7, 31)) is None


def test_every_figure_on_the_page_links_to_its_records(client, units, owner, year_of_work):
    client.force_login(owner)
    html = client.get("/briefing/?as_of=2022-03-31").content.decode()
    links = re.findall(r'<a href="([^"]+)" class="fig">([^<]+)</a>', html)
    counted = [(u.replace("&amp;", "&"), int(t[:-1])) for u, t in links if t.endswith("个")]
    assert [n for _, n in counted] == [5, 1, 0, 4, 4, 1, 0]  # pipeline, then flows
    for url, n in counted:  # each count opens exactly the projects it counts
        listed = client.get(url).content.decode()
        assert re.search(rf'id="totals">共 <strong>{n}</strong>', listed), (url, n)
    visits = dict((t, u.replace("&amp;", "&")) for u, t in links)["1批次"]
    assert "来长乐考察大数据产业园" in client.get(visits).content.decode()
    assert len(links) >= 20


def test_a_briefing_for_a_unit_one_cannot_see_is_refused(client, units, outsider, capsys):
    client.force_login(outsider)
    assert client.get("/briefing/?unit=350112&as_of=2022-03-31").status_code == 404
    assert (
        main(["briefing", "--unit", "长乐区", "--as-of", "2022-03-31", "--user", outsider.username])
        == 2
    )
    assert "无权查看“长乐区”" in capsys.readouterr().err


def test_cli_writes_text_json_and_a_docx(units, owner, year_of_work, tmp_path, capsys):
    assert main(["briefing", "--unit", "350112", "--as-of", "2022-03-31"]) == 0
    assert capsys.readouterr().out.startswith("长乐区招商工作简报\n(2022年3月31日)")
    assert main(["briefing", "--unit", "350112", "--as-of", "2022-03-31", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["figures"]["flows"]["signed"] == {"count": 4, "amount_wan": "850000"}
    out = tmp_path / "简报.docx"
    assert (
        main(
            [
                "briefing",
                "--unit",
                "350112",
                "--as-of",
                "2022-03-31",
                "--format",
                "docx",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    document = docx.Document(io.BytesIO(out.read_bytes()))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text == "长乐区招商工作简报"
    assert paragraphs[1].text == "(2022年3月31日)"
    assert paragraphs[2].text.startswith("截至3月份,我区共对接洽谈项目5个")
    east_asian = (
        paragraphs[2]
        .runs[0]
        ._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
    )
    assert east_asian == "仿宋_GB2312"
    assert paragraphs[2].runs[0].font.size.pt == 16
