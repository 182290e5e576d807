"""Exporting and importing the export again changes nothing."""

import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest

from zhaoshang.cli import main
from zhaoshang.companies.services import company_create
from zhaoshang.factories import make_project
from zhaoshang.lib.uscc import check_character
from zhaoshang.org.services import unit_add
from zhaoshang.projects.models import IndustryChain, Project, StageEntry
from zhaoshang.projects.services import project_drop, project_move_to_stage


def state():
    return (
        list(Project.objects.order_by("pk").values()),
        list(StageEntry.objects.order_by("pk").values()),
        Project.history.count(),
    )


@pytest.fixture
def ledger(units):
    chain = IndustryChain.objects.create(name="数字经济", owner=units.fuzhou)
    dept = unit_add(parent=units.fuzhou, name="市工信局", kind="department")
    body = "91350100MA2XN0JB1"
    investor = company_create(
        name="神州优车(福建)有限公司", credit_code=body + check_character(body), actor=None
    )
    a = make_project(
        unit=units.changle,
        name="神州优车数字经济产业园项目",
        amount="300000.5",
        entered_on=dt.date(2021, 3, 1),
        investor=investor,
        chain=chain,
        region=units.changle,
        responsible_unit=dept,
        is_city_key=True,
    )
    project_move_to_stage(
        project=a,
        stage="signed",
        sign_kind="contract",
        effective_on=dt.date(2022, 1, 27),
        actor=None,
    )
    project_move_to_stage(project=a, stage="landed", effective_on=dt.date(2022, 5, 18), actor=None)
    b = make_project(
        unit=units.changle,
        name="国信优易大数据平台",
        amount=None,
        entered_on=dt.date(2021, 6, 1),
        stage="negotiating",
        region=units.changle,
    )
    c = make_project(
        unit=units.changle, name="榕城冷链物流园", amount="8000", entered_on=dt.date(2020, 1, 1)
    )
    # A name Excel would take for a formula if the CSV export wrote it bare.
    make_project(unit=units.changle, name="=HYPERLINK(\"http://x\")长乐项目", amount="1200",
                 entered_on=dt.date(2021, 9, 1), region=units.changle)  # fmt: skip
    project_drop(project=c, effective_on=dt.date(2021, 1, 1), reason="企业投资计划调整", actor=None)
    return [a, b, c]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(ledger, tmp_path, fmt, capsys):
    path = tmp_path / f"长乐项目.{fmt}"
    assert main(["export", "projects", "--unit", "350112", "--format", fmt, "-o", str(path)]) == 0
    before = state()
    assert main(["import", "projects", str(path), "--unit", "350112", "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    assert report["rejected"] == [] and (report["created"], report["updated"]) == (0, 0)
    assert report["unchanged"] == 4
    assert state() == before
    if fmt == "csv":  # the formula is written as text
        assert "'=HYPERLINK(" in path.read_text(encoding="utf-8-sig")


def test_the_excel_export_reads_like_an_office_sheet(ledger, tmp_path):
    path = tmp_path / "导出.xlsx"
    main(["export", "projects", "--unit", "长乐区", "-o", str(path)])
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "招商项目清单" and sheet["A3"].value == "单位:万元、万美元"
    header = [c.value for c in sheet[5]]
    assert header[:3] == ["项目编号", "项目名称", "归属单位"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert rows["神州优车数字经济产业园项目"][header.index("总投资(万元)")] == 300000.5
    assert rows["国信优易大数据平台"][header.index("总投资(万元)")] is None


def test_json_export_rows(ledger, capsys):
    assert main(["export", "projects", "--unit", "350112", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    a = rows["神州优车数字经济产业园项目"]
    assert a["stage"] == "landed" and a["total_investment_wan"] == "300000.5"
    assert (a["region_code"], a["unit_code"]) == ("350112", "350112")
    assert (a["signed_on"], a["landed_on"]) == ("2022-01-27", "2022-05-18")
    assert a["investors"][0]["name"] == "神州优车(福建)有限公司" and a["fdi_wan_usd"] is None
    assert rows["国信优易大数据平台"]["total_investment_wan"] is None
    assert rows["榕城冷链物流园"]["stage"] == "dropped"
    assert Decimal(a["total_investment_wan"]) == Decimal("300000.5")
