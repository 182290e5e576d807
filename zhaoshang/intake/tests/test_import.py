"""Importing sheets shaped like the offices' own: title lines, merged cells, units in the
header, Chinese dates, a total row, duplicates and bad rows."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import xlsxwriter

from zhaoshang.cli import main
from zhaoshang.companies.models import Company
from zhaoshang.factories import make_project
from zhaoshang.intake.importer import import_projects
from zhaoshang.lib.uscc import check_character
from zhaoshang.projects.models import Project, StageEntry

CODE = "91350100MA2XN0JB1" + check_character("91350100MA2XN0JB1")
HEADER = [
    "序号",
    "项目名称",
    "总投资(亿元)",
    "所在地",
    "项目进展",
    "签约时间",
    "落地时间",
    "投资方",
    "统一社会信用代码",
]


def write_sheet(path, rows, *, merge_place=None, total=None):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("一季度")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, "福州市2022年一季度重点项目推进情况表")
    sheet.write(1, 0, "填报单位:长乐区")
    sheet.write(2, 0, "单位:亿元、万美元")
    sheet.write(2, 5, "截至2022年3月31日")
    sheet.write_row(3, 0, HEADER)
    for i, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(i, c, dt.datetime.combine(value, dt.time()), day)
            elif value is not None:
                sheet.write(i, c, value)
    if merge_place:
        first, last, text = merge_place
        if first == last:
            sheet.write(first, 3, text)
        else:
            sheet.merge_range(first, 3, last, 3, text)
    if total is not None:
        sheet.write_row(4 + len(rows), 0, ["合计", "", total])
    book.close()
    return path


GOOD_ROWS = [
    [
        1,
        "神州优车数字经济产业园项目",
        "约30亿元",
        None,
        "签约(合同)",
        dt.date(2022, 1, 27),
        None,
        "神州优车(福建)有限公司",
        CODE,
    ],
    [
        2,
        "国信优易大数据交易平台",
        12.5,
        None,
        "已落地",
        "2022.1.5",
        "2022年2月8日",
        "国信优易数据有限公司",
        "",
    ],
    [3, "闽侯竹岐食品加工基地", "5000万元", "闽侯县竹岐乡", "洽谈中", None, None, "", ""],
    [4, "福清江阴不锈钢深加工项目", 8, "福清", "已开工", "2021/12/20", "2022-01-05", "", ""],
]
MERGED_PLACE = (4, 5, "长乐")  # 所在地 merged over the first two projects


@pytest.fixture
def sheet(tmp_path, units):
    return write_sheet(tmp_path / "一季度项目.xlsx", GOOD_ROWS, merge_place=MERGED_PLACE, total=51)


def test_a_real_shaped_sheet_is_imported_with_its_history(sheet, units):
    report = import_projects(path=sheet, unit=units.changle)
    assert report.rejected == [] and (report.created, report.updated) == (4, 0)
    assert report.total_row_check == {
        "row": 9,
        "matches": True,
        "stated_wan": "510000",
        "sum_wan": "510000",
    }
    p = Project.objects.get(name="神州优车数字经济产业园项目")
    assert (p.total_investment, p.total_investment_approx) == (Decimal(300000), True)
    assert p.region == units.changle and p.investor.credit_code == CODE
    signed = p.stage_entries.get(stage="signed")
    assert (signed.effective_on, signed.sign_kind) == (dt.date(2022, 1, 27), "contract")
    assert signed.source == "导入自 一季度项目.xlsx" and signed.recorded_by is None
    landed = Project.objects.get(name="国信优易大数据交易平台")
    assert (landed.stage, landed.stage_on, landed.signed_on) == (
        "landed",
        dt.date(2022, 2, 8),
        dt.date(2022, 1, 5),
    )
    assert landed.region == units.changle  # the merged 所在地 cell
    town = Project.objects.get(name="闽侯竹岐食品加工基地")
    assert (town.region, town.total_investment) == (units.minhou, Decimal(5000))
    assert "竹岐乡" in town.description
    # A stage stated without its own date takes effect on the sheet's 截至 date.
    assert town.stage_entries.get(stage="negotiating").effective_on == dt.date(2022, 3, 31)
    steel = Project.objects.get(name="福清江阴不锈钢深加工项目")
    assert steel.region == units.fuqing and steel.construction_on == dt.date(2022, 3, 31)


def test_reimporting_the_same_file_changes_nothing(sheet, units):
    import_projects(path=sheet, unit=units.changle)
    before = (Project.objects.count(), StageEntry.objects.count(), Project.history.count())
    report = import_projects(path=sheet, unit=units.changle)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert (Project.objects.count(), StageEntry.objects.count(), Project.history.count()) == before
    assert {d["existing"] for d in report.duplicates} == set(
        Project.objects.values_list("code", flat=True)
    )


def test_bad_rows_are_rejected_with_row_field_and_reason(tmp_path, units):
    rows = [
        *GOOD_ROWS[:1],
        [2, "", 3, "长乐", "", None, None, "", ""],
        [3, "坏代码项目", 3, "长乐", "", None, None, "某公司", "91350100MA2XN0JB1X"],
        [4, "未知地点项目", 3, "火星", "", None, None, "", ""],
        [5, "负数项目", -3, "长乐", "", None, None, "", ""],
    ]
    path = write_sheet(tmp_path / "坏行.xlsx", rows, merge_place=(4, 4, "长乐"))
    report = import_projects(path=path, unit=units.changle)
    assert report.created == 1
    assert report.rejected == [
        {"row": 6, "field": "项目名称", "reason": "项目名称不能为空"},
        {
            "row": 7,
            "field": "统一社会信用代码",
            "reason": "统一社会信用代码“91350100MA2XN0JB1X”无效:校验位不正确",
        },
        {"row": 8, "field": "所在地", "reason": "未知地点“火星”(在福州市内找不到)"},
        {"row": 9, "field": "总投资", "reason": "金额不能为负数"},
    ]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(tmp_path, units):
    rows = [*GOOD_ROWS, [5, "", 3, "长乐", "", None, None, "", ""]]
    path = write_sheet(tmp_path / "全有或全无.xlsx", rows, merge_place=MERGED_PLACE)
    report = import_projects(path=path, unit=units.changle, all_or_nothing=True)
    assert not report.written and report.created == 0 and len(report.rejected) == 1
    assert not Project.objects.exists() and not StageEntry.objects.exists()


def test_duplicates_in_the_sheet_and_in_the_database(tmp_path, units):
    existing = make_project(
        unit=units.changle, name="国信优易大数据交易平台", entered_on=dt.date(2021, 6, 1)
    )
    rows = [
        GOOD_ROWS[0],
        [
            2,
            "神州优车 数字经济产业园项目",
            31,
            "长乐",
            "签约(合同)",
            dt.date(2022, 1, 27),
            None,
            "神州优车",
            "",
        ],
        [3, "国信优易大数据交易平台", "", "长乐", "在谈", None, None, "", ""],
    ]
    path = write_sheet(tmp_path / "重复.xlsx", rows, merge_place=(4, 4, "长乐"))
    report = import_projects(path=path, unit=units.changle)
    assert report.duplicates == [
        {"row": 6, "of_row": 5, "existing": None},
        {"row": 7, "of_row": None, "existing": existing.code},
    ]
    assert Project.objects.filter(name__contains="神州优车").count() == 1
    assert Project.objects.get(name__contains="神州优车").total_investment == Decimal(310000)
    existing.refresh_from_db()
    assert existing.stage == "negotiating"


def test_a_total_row_that_does_not_add_up_is_reported(tmp_path, units):
    path = write_sheet(tmp_path / "合计不符.xlsx", GOOD_ROWS, merge_place=MERGED_PLACE, total=99)
    report = import_projects(path=path, unit=units.changle)
    assert report.total_row_check["matches"] is False


def test_dry_run_writes_nothing(sheet, units):
    report = import_projects(path=sheet, unit=units.changle, dry_run=True)
    assert report.created == 4 and not report.written
    assert not Project.objects.exists()


def test_csv_in_gb18030_and_the_command_line(tmp_path, units, capsys):
    text = (
        "项目名称,总投资(万元),所在地,项目进展,签约时间\n榕城冷链物流园,8000,长乐,已签约,2月5日\n"
    )
    path = tmp_path / "冷链.csv"
    path.write_bytes(text.encode("gb18030"))
    assert (
        main(
            ["import", "projects", str(path), "--unit", "长乐区", "--as-of", "2022-03-31", "--json"]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["rejected"], out["guessed_years"]) == (1, [], [2])
    p = Project.objects.get(name="榕城冷链物流园")
    assert p.signed_on == dt.date(2022, 2, 5)


def test_unreadable_files_are_refused_in_chinese(tmp_path, units, capsys):
    fake = tmp_path / "项目.xlsx"
    fake.write_bytes(b"not a workbook")
    assert main(["import", "projects", str(fake), "--unit", "350112"]) == 2
    assert "文件已损坏" in capsys.readouterr().err
    other = tmp_path / "项目.pdf"
    other.write_bytes(b"%PDF")
    assert main(["import", "projects", str(other), "--unit", "350112"]) == 2
    assert "不支持的文件类型" in capsys.readouterr().err
    assert not Project.objects.exists()


def test_the_unit_comes_from_the_sheet_when_not_given(sheet, units, capsys):
    assert main(["import", "projects", str(sheet)]) == 0
    assert "已导入:新增4个" in capsys.readouterr().out
    assert Project.objects.filter(unit=units.changle).count() == 4


def test_a_zip_bomb_and_an_oversized_file_are_refused_before_reading(tmp_path, units, settings):
    import zipfile

    from zhaoshang.intake.sheets import SheetError

    bomb = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    with pytest.raises(SheetError, match="疑似压缩炸弹"):
        import_projects(path=bomb, unit=units.changle)
    settings.IMPORT_MAX_BYTES = 1024
    big = write_sheet(tmp_path / "大表.xlsx", GOOD_ROWS * 20)
    with pytest.raises(SheetError, match="文件超过1KB"):
        import_projects(path=big, unit=units.changle)
    assert not Project.objects.exists()


def _long_sheet(tmp_path):
    """Thirty rows: repeats in later chunks, bad rows, years taken from 截至, a total row."""
    rows = [
        [i, f"榕城第{i}号智能装备项目", f"{i}.5", ["长乐", "福清", "闽侯县竹岐乡"][i % 3],
         ["线索", "在谈", "已签约", "已落地", "开工"][i % 5], "2月5日" if i % 5 >= 2 else None,
         "2022年3月1日" if i % 5 >= 3 else None, f"福建榕城第{i % 4}科技有限公司", ""]
        for i in range(1, 27)
    ]  # fmt: skip
    rows += [
        [27, "榕城第3号智能装备项目", "3.5", "长乐", "线索", None, None, "福建榕城第3科技有限公司",
         ""],
        [28, "火星基地项目", 3, "火星", "", None, None, "", ""],
        [29, "负数项目", -3, "长乐", "", None, None, "", ""],
        [30, "榕城第5号智能装备项目", "9", "长乐", "在谈", None, None, "福建榕城第1科技有限公司",
         ""],
    ]  # fmt: skip
    total = sum(Decimal(r[2]) for r in rows[:26]) + Decimal("3.5") + 9
    return write_sheet(tmp_path / "全年项目.xlsx", rows, total=float(total))


@pytest.mark.parametrize("workers", [0, 1])
def test_a_long_sheet_read_by_worker_processes_imports_as_one_read_here(
    tmp_path, units, settings, workers
):
    """Chunks of 7 rows: with a worker process the rows are read and checked elsewhere,
    and the import must come out exactly as when this process reads them."""
    settings.IMPORT_CHUNK, settings.IMPORT_WORKERS = 7, workers
    report = import_projects(path=_long_sheet(tmp_path), unit=units.changle)
    assert (report.created, report.updated, report.unchanged) == (26, 1, 1)
    assert report.rejected == [
        {"row": 32, "field": "所在地", "reason": "未知地点“火星”(在福州市内找不到)"},
        {"row": 33, "field": "总投资", "reason": "金额不能为负数"},
    ]
    assert report.duplicates == [
        {"row": 31, "of_row": 7, "existing": None},  # same name and investor: unchanged
        {"row": 34, "of_row": 9, "existing": None},  # a new amount: updated
    ]
    assert report.total_row_check is not None and report.total_row_check["matches"]
    assert report.guessed_years == [i + 4 for i in range(1, 27) if i % 5 >= 2]
    codes = list(Project.objects.order_by("code").values_list("code", "name"))
    assert [c for c, _ in codes] == [f"FZ-2022-{n:04d}" for n in range(1, 27)]
    assert Project.objects.get(code="FZ-2022-0001").name == "榕城第1号智能装备项目"
    twelve = Project.objects.get(name="榕城第13号智能装备项目")
    assert (twelve.stage, twelve.signed_on, twelve.landed_on) == (
        "landed", dt.date(2022, 2, 5), dt.date(2022, 3, 1)
    )  # fmt: skip
    assert twelve.investor.name == "福建榕城第1科技有限公司"
    assert Company.objects.filter(name__startswith="福建榕城第").count() == 4
    assert Project.objects.get(name="榕城第5号智能装备项目").total_investment == Decimal(90000)
    assert Project.history.filter(history_change_reason="导入自 全年项目.xlsx").count() == 27
