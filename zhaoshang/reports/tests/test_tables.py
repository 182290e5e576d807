"""Standard tables and rolling lists: the page and its Excel export agree, to the digit."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from zhaoshang.factories import make_project
from zhaoshang.projects.models import IndustryChain, Project
from zhaoshang.projects.services import project_move_to_stage, project_update


@pytest.fixture
def city(units, city_admin):
    chain = IndustryChain.objects.create(name="数字经济", owner=units.fuzhou)
    rows = [
        (units.changle, "神州优车运营总部", "76901", "landed", dt.date(2017, 3, 1)),
        (units.changle, "360产业园", "42239", "signed", dt.date(2017, 5, 18)),
        (units.changle, "国信优易", "1000.5", "lead", None),
        (units.fuqing, "福清万华化学", "150000", "landed", dt.date(2017, 5, 1)),
    ]
    for unit, name, amount, stage, on in rows:
        p = make_project(
            unit=unit,
            name=name,
            amount=amount,
            entered_on=dt.date(2016, 12, 1),
            chain=chain if unit == units.changle else None,
        )
        if on:
            project_move_to_stage(project=p, stage=stage, effective_on=on, actor=None)
    return city_admin


def test_unit_by_stage_table_page_and_excel_agree(client, units, city):
    client.force_login(city)
    html = client.get("/tables/?as_of=2017-07-31").content.decode()
    table = re.search(r'id="table-unit_stage">(.*?)</table>', html, re.S).group(1)
    changle = re.search(r"长乐区</a></td>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', changle) == [
        "3",
        "12.01",  # sums: two decimals on the page, exact in the Excel below
        "1",
        "7.69",
        "1",
        "0.10",
        "1",
        "4.22",
    ]
    total = re.search(r"<td>合计</td>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r'class="num">([^<]*)<', total)[:2] == ["4", "27.01"]

    xlsx = client.get("/tables/?as_of=2017-07-31&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "福州市各单位项目推进情况表"
    assert sheet["A2"].value == "单位:亿元、万美元"
    assert sheet["A3"].value == "截至2017年7月31日"
    assert (sheet["A4"].value, sheet["B4"].value, sheet["D4"].value) == (
        "单位",
        "对接洽谈项目",
        "落地项目",
    )
    assert (sheet["B5"].value, sheet["C5"].value) == ("个数", "总投资")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:I1", "A2:I2", "A4:A5", "B4:C4", "D4:E4", "F4:G4", "H4:I4"} <= merged
    rows = {
        sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in range(2, 10)]
        for r in range(6, sheet.max_row + 1)
    }
    assert rows["长乐区"] == [3, 12.01405, 1, 7.6901, 1, 0.10005, 1, 4.2239]
    assert rows["合计"][:2] == [4, 27.01405]
    assert [ws.title for ws in book.worksheets][1:4] == [
        "福州市各产业链项目推进情况表",
        "福州市各招商渠道项目推进情况表",
        "福州市2017年各月项目进展表",
    ]
    months = book.worksheets[3]
    may = [
        months.cell(r, c).value
        for r in range(6, months.max_row + 1)
        for c in range(1, 4)
        if months.cell(r, 1).value == "5月"
    ]
    assert may == ["5月", 2, 19.2239]  # 360产业园 signed and 万华化学 landed (so signed) in May


def test_signed_not_landed_and_expected_arrivals(client, units, city, owner):
    client.force_login(owner)
    page = client.get("/lists/signed-not-landed/").content.decode()
    assert "360产业园" in page and "神州优车运营总部" not in page
    days = (timezone.localdate() - dt.date(2017, 5, 18)).days
    assert f'<td class="num">{days}</td>' in page
    for name, on, amount in (
        ("神州优车运营总部", dt.date(2022, 2, 10), "3000"),
        ("国信优易", dt.date(2022, 3, 20), "500.5"),
    ):
        project = Project.objects.get(name=name)
        project_update(
            project=project,
            actor=None,
            expected_arrival_on=on,
            expected_arrival_amount=Decimal(amount),
        )
    listing = client.get("/lists/expected-arrivals/?period=2022Q1").content.decode()
    assert "长乐区(2个)" in listing and "0.35亿元" in listing
    xlsx = client.get("/lists/expected-arrivals/?period=2022Q1&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[sheet.cell(r, c).value for c in range(1, 6)] for r in range(6, sheet.max_row + 1)]
    assert values[-2] == ["长乐区小计", None, None, None, 0.35005]
    assert values[-1][0] == "合计" and values[-1][4] == 0.35005
    assert "不存在" in client.get("/lists/expected-arrivals/?period=2022Q7").content.decode()
