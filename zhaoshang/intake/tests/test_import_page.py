import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.intake.importer import import_projects
from zhaoshang.intake.models import ImportRun
from zhaoshang.intake.tests.test_import import GOOD_ROWS, MERGED_PLACE, write_sheet
from zhaoshang.projects.models import Project, StageEntry


def test_upload_previews_then_imports_on_confirmation(client, owner, tmp_path):
    path = write_sheet(tmp_path / "一季度项目.xlsx", GOOD_ROWS, merge_place=MERGED_PLACE, total=51)
    client.force_login(owner)
    upload = SimpleUploadedFile("一季度项目.xlsx", path.read_bytes())
    html = client.post("/imports/", {"file": upload, "unit": "350112"}).content.decode()
    assert "将新增 <strong>4</strong> 个" in html and "合计与明细相符" in html
    assert not Project.objects.exists()  # a preview writes nothing
    stored = html.split('name="stored" value="')[1].split('"')[0]
    done = client.post(
        "/imports/",
        {
            "action": "confirm",
            "stored": stored,
            "unit": "350112",
            "file_name": "一季度项目.xlsx",
            "as_of": "",
            "all_or_nothing": "0",
        },
    ).content.decode()
    assert "已导入到长乐区:新增 4 个" in done
    run = ImportRun.objects.get()
    assert (run.run_by, run.created, run.file_name) == (owner, 4, "一季度项目.xlsx")
    entry = StageEntry.objects.filter(stage="signed").first()
    assert entry.source == "导入自 一季度项目.xlsx" and entry.recorded_by == owner


def test_a_wrong_file_is_refused_next_to_the_field(client, owner):
    client.force_login(owner)
    bad = SimpleUploadedFile("项目.pdf", b"%PDF-1.4")
    html = client.post("/imports/", {"file": bad, "unit": "350112"}).content.decode()
    assert "不支持的文件类型" in html
    broken = SimpleUploadedFile("项目.xlsx", b"not a workbook")
    html = client.post("/imports/", {"file": broken, "unit": "350112"}).content.decode()
    assert "文件已损坏" in html


def test_leaders_and_outsiders_cannot_import_here(client, teammate, outsider, tmp_path):
    client.force_login(teammate)
    assert client.get("/imports/").status_code == 403
    client.force_login(outsider)
    path = write_sheet(tmp_path / "x.xlsx", GOOD_ROWS, merge_place=MERGED_PLACE)
    upload = SimpleUploadedFile("x.xlsx", path.read_bytes())
    html = client.post("/imports/", {"file": upload, "unit": "350112"}).content.decode()
    assert "选择一个有效的选项" in html  # 长乐区 is not among 福清's units
    assert not Project.objects.exists()


def _sheet(path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["项目名称", "投资规模(亿元)", "属地", "项目进展"])
    sheet.write_row(1, 0, ["榕城冷链物流园", 3.5, "长乐", "洽谈中"])
    book.close()
    return path


def test_a_corrected_mapping_is_used_and_saved_for_the_next_sheet(client, owner, tmp_path):
    path = _sheet(tmp_path / "规模.xlsx")
    client.force_login(owner)
    upload = SimpleUploadedFile("规模.xlsx", path.read_bytes())
    html = client.post(
        "/imports/", {"file": upload, "unit": "350112", "as_of": "2022-03-31"}
    ).content.decode()
    assert "投资规模(亿元)" in html  # the unrecognised column is offered for mapping
    stored = html.split('name="stored" value="')[1].split('"')[0]
    job = {
        "stored": stored,
        "unit": "350112",
        "file_name": "规模.xlsx",
        "as_of": "2022-03-31",
        "all_or_nothing": "0",
    }
    mapping = {"col_0": "name", "col_1": "total_investment", "col_2": "place", "col_3": "stage"}
    html = client.post(
        "/imports/", {**job, **mapping, "action": "remap", "save_template": "1"}
    ).content.decode()
    assert "将新增 <strong>1</strong> 个" in html
    client.post("/imports/", {**job, **mapping, "action": "confirm"})
    assert Project.objects.get(name="榕城冷链物流园").total_investment == 35000
    # The next sheet with the same headers is read with the saved mapping.
    again = SimpleUploadedFile("规模2.xlsx", _sheet(tmp_path / "规模2.xlsx").read_bytes())
    html = client.post(
        "/imports/", {"file": again, "unit": "350112", "as_of": "2022-03-31"}
    ).content.decode()
    assert "已套用保存的模板" in html and "未变 <strong>1</strong> 个" in html


# Sheets whose rows need a 截至日期 the sheet does not give: (headers, row).
NEEDS_AS_OF = {
    "无任何日期": (["项目名称", "总投资(万元)"], ["旗山湖智能装备产业园项目", 5000]),
    "阶段无日期": (["项目名称", "项目进展"], ["旗山湖智能装备产业园项目", "签约"]),
    "终止无日期": (["项目名称", "入库时间", "项目进展"],
                   ["旗山湖智能装备产业园项目", "2022年1月27日", "终止"]),
    "日期无年份": (["项目名称", "入库时间"], ["旗山湖智能装备产业园项目", "1月27日"]),
}  # fmt: skip


def _needs_as_of(path, variant):
    import xlsxwriter

    headers, row = NEEDS_AS_OF[variant]
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, headers)
    sheet.write_row(1, 0, row)
    book.close()
    return path


def _page_text(html):
    import re

    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("variant", NEEDS_AS_OF)
def test_a_row_needing_a_date_is_told_how_to_give_it_where_it_is_read(
    client, owner, units, tmp_path, variant
):
    """The web page names its own 截至日期 field, the command line its --as-of; when no
    row can be imported the page offers no 确认导入."""
    path = _needs_as_of(tmp_path / "长乐.xlsx", variant)
    cli = import_projects(path=path, unit=units.changle, dry_run=True)
    assert len(cli.rejected) == 1 and "--as-of" in cli.rejected[0]["reason"]
    client.force_login(owner)
    upload = SimpleUploadedFile("长乐.xlsx", path.read_bytes())
    html = client.post("/imports/", {"file": upload, "unit": "350112"}).content.decode()
    text = _page_text(html)
    assert "将新增0个" in text and "拒绝1行" in text
    assert "--as-of" not in html
    assert "“截至日期”一栏填写后重新预览" in html
    assert 'value="confirm"' not in html and "没有可导入的行" in html
    # What the reason says works: the same sheet with the page's 截至日期 is imported.
    upload = SimpleUploadedFile("长乐.xlsx", path.read_bytes())
    html = client.post("/imports/", {"file": upload, "unit": "350112",
                                     "as_of": "2022-03-31"}).content.decode()  # fmt: skip
    assert "将新增1个" in _page_text(html) and 'value="confirm"' in html
    assert not Project.objects.exists()
