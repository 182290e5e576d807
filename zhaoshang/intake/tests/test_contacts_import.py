"""Visits and inspections from a sheet, through the same engine and the contact form."""

import datetime as dt
import json

import openpyxl

from zhaoshang.cli import main
from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.fieldwork.models import Contact


def write(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def test_a_visit_log_is_imported_once_with_bad_rows_named(tmp_path, units, capsys):
    CompanyFactory(name="神州优车(福建)有限公司")
    project = make_project(
        unit=units.changle, name="神州优车运营总部", entered_on=dt.date(2017, 1, 5)
    )
    sheet = tmp_path / "2017年招商小分队拜访记录.xlsx"
    write(
        sheet,
        [
            ["长乐区招商小分队拜访企业登记表"],
            ["截至2017年7月31日"],
            ["日期", "企业名称", "方式", "项目编号", "我方人员", "洽谈情况", "下一步"],
            [
                "2月5日",
                "神州优车",
                "拜访",
                project.code,
                "区长、招商办",
                "企业确认设立区域总部",
                "签约",
            ],
            [
                "2017年3月2日",
                "国家信息中心",
                "来访考察",
                None,
                "市委书记",
                "考察大数据产业园",
                None,
            ],
            ["2017.3.9", "国家信息中心", "来访", None, None, "第二次考察", None],
            [None, None, None, None, None, None, None],
            ["2017-08-40", "奇虎360", "拜访", None, None, "洽谈", None],
            ["2017-04-01", "奇虎360", "飞鸽传书", None, None, "洽谈", None],
            ["2017-04-02", "", "拜访", None, None, "洽谈", None],
        ],
    )
    assert main(["import", "contacts", str(sheet), "--unit", "长乐区", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["unchanged"]) == (3, 0)
    assert [(r["row"], r["field"]) for r in report["rejected"]] == [
        (8, "日期"),
        (9, "方式"),
        (10, "企业"),
    ]
    assert "飞鸽传书" in report["rejected"][1]["reason"]
    visit = Contact.objects.get(kind="visit")
    assert (visit.company.name, visit.contacted_on, list(visit.projects.all())) == (
        "神州优车(福建)有限公司",
        dt.date(2017, 2, 5),
        [project],
    )  # year from 截至, name matched
    assert visit.source == "导入自 2017年招商小分队拜访记录.xlsx"
    assert Contact.objects.filter(kind="inspection").count() == 2
    assert main(["import", "contacts", str(sheet), "--unit", "长乐区", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["unchanged"]) == (0, 3)  # re-import changes nothing
    assert Contact.objects.count() == 3


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(tmp_path, units, capsys):
    sheet = tmp_path / "visits.xlsx"
    write(
        sheet,
        [
            ["日期", "企业名称", "洽谈情况"],
            ["2022-01-27", "福耀玻璃", "洽谈扩产"],
            ["2099-01-01", "福耀玻璃", "未来的拜访"],
        ],
    )
    assert main(["import", "contacts", str(sheet), "--unit", "350112", "--all-or-nothing"]) == 0
    out = capsys.readouterr().out
    assert "未导入(有错误行)" in out and "第3行 日期" in out and "晚于今天" in out
    assert Contact.objects.count() == 0
