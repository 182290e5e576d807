"""Scope of a match (DESIGN §7): an import or a confirmed text may match and change only
what the acting user may write; a match outside it is a clash (撞单) that reveals nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.companies.models import Company
from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.intake import models as intake_models
from zhaoshang.intake.importer import import_projects
from zhaoshang.intake.models import ImportRun
from zhaoshang.intake.texts import candidate_confirm, extraction_create
from zhaoshang.org.models import Unit
from zhaoshang.projects.models import Project
from zhaoshang.web.tests.checksum import changed, checksum

CLASH_TEXT = "另一单位已登记同名/同投资方项目"
NAME, INVESTOR = "旗山湖智能装备产业园项目", "福建旗山湖科技有限公司"


@pytest.fixture
def minqing_project(units):
    """A 闽清县 project the 福清 officer cannot open."""
    minqing = Unit.objects.get(code="350124")
    investor = CompanyFactory(name=INVESTOR)
    return make_project(unit=minqing, name=NAME, amount="24200", investor=investor,
                        entered_on=dt.date(2021, 3, 2))  # fmt: skip


def _sheet(path, *, name=NAME, investor=INVESTOR, amount=99000, credit="", code=None):
    """A one-row sheet; `investor=None`: no 投资方 column; `code`: a 项目编号 column."""
    header = ["项目名称", "投资方", "总投资(万元)", "入库时间", "统一社会信用代码"]
    row = [name, investor, amount, "2022年1月27日", credit]
    if investor is None:
        del header[1], row[1]
    if code is not None:
        header, row = ["项目编号", *header], [code, *row]
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, row)
    book.close()
    return path


# The rows that describe the hidden project (DESIGN §7): its code, or its normalised name
# whatever the investor — the same one, another, none given, or no 投资方 column at all.
DESCRIBING = {
    "同名同投资方": {},
    "同名另一投资方": {"investor": "福州滨海另一投资有限公司"},
    "同名投资方空白": {"investor": ""},
    "同名无投资方列": {"investor": None},
    "名称写法不同": {"name": f"  {NAME} ", "investor": None},
    "同编号": {
        "name": "另一个名字的项目",
        "investor": "福州滨海另一投资有限公司",
        "code": "HIDDEN",
    },
}


def _describing(tmp_path, variant, held):
    kwargs = dict(DESCRIBING[variant])
    if kwargs.get("code") == "HIDDEN":
        kwargs["code"] = held.code
    return _sheet(tmp_path / "福清.xlsx", **kwargs)


def _text(html: str) -> str:
    """What the page reads as, without tags and spaces."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def _upload(client, path, unit="350181"):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post("/imports/", {"file": upload, "unit": unit}).content.decode()


def _confirm(client, html, unit="350181"):
    stored = html.split('name="stored" value="')[1].split('"')[0]
    return client.post("/imports/", {
        "action": "confirm", "stored": stored, "unit": unit, "file_name": "福清.xlsx",
        "as_of": "", "all_or_nothing": "0",
    }).content.decode()  # fmt: skip


@pytest.mark.parametrize("variant", DESCRIBING)
def test_a_row_matching_a_hidden_project_is_a_clash_that_reveals_nothing(
    client, outsider, city_admin, minqing_project, tmp_path, variant
):
    client.force_login(outsider)
    assert client.get(f"/projects/{minqing_project.code}/").status_code == 404
    before = checksum(ignore=["intake.clash", "intake.importrun"])
    preview = _upload(client, _describing(tmp_path, variant, minqing_project))
    assert CLASH_TEXT in preview
    assert "将新增0个、更新0个" in _text(preview)
    for secret in (minqing_project.code, "闽清", "24200", "2.42"):
        assert secret not in preview
    done = _confirm(client, preview)
    assert CLASH_TEXT in done and minqing_project.code not in done and "闽清" not in done
    assert changed(before, checksum(ignore=["intake.clash", "intake.importrun"])) == []
    minqing_project.refresh_from_db()
    assert minqing_project.total_investment == Decimal("24200")
    clash = intake_models.Clash.objects.get()
    assert (clash.project, clash.unit.name, clash.held_by.name, clash.actor) == (
        minqing_project,
        "福清市",
        "闽清县",
        outsider,
    )
    assert clash.source == "导入自 福清.xlsx" and clash.city.name == "福州市"
    # The city sees both sides; an officer is told the page does not exist.
    assert client.get("/clashes/").status_code == 404
    client.force_login(city_admin)
    page = client.get("/clashes/").content.decode()
    assert minqing_project.code in page and "福清市" in page and "闽清县" in page
    assert "福清.xlsx" in page and outsider.username in page
    assert 'href="/clashes/"' in client.get("/").content.decode()


@pytest.mark.parametrize("variant", DESCRIBING)
@pytest.mark.parametrize("one_by_one", [False, True], ids=["fast_path", "services"])
@pytest.mark.parametrize("acting", ["command_line", "officer"])
def test_every_import_path_makes_a_row_describing_a_hidden_project_a_clash(
    minqing_project, outsider, tmp_path, variant, one_by_one, acting
):
    fuqing = Unit.objects.get(code="350181")
    actor = outsider if acting == "officer" else None
    sheet = _describing(tmp_path, variant, minqing_project)
    before = checksum(ignore=["intake.clash", "intake.importrun"])
    preview = import_projects(path=sheet, unit=fuqing, actor=actor, dry_run=True,
                              one_by_one=one_by_one)  # fmt: skip
    assert (preview.created, preview.updated) == (0, 0)
    assert preview.clashes == [{"row": 2, "reason": CLASH_TEXT}]
    assert not intake_models.Clash.objects.exists()  # a preview records nothing
    report = import_projects(path=sheet, unit=fuqing, actor=actor, one_by_one=one_by_one)
    assert (report.created, report.updated) == (0, 0)
    assert report.clashes == [{"row": 2, "reason": CLASH_TEXT}]
    assert changed(before, checksum(ignore=["intake.clash", "intake.importrun"])) == []
    clash = intake_models.Clash.objects.get()
    assert (clash.project, clash.actor, clash.unit.name) == (minqing_project, actor, "福清市")


def test_the_users_own_project_is_still_matched_by_name_and_investor(outsider, units, tmp_path):
    """Another investor under the same name in the user's own unit is another project."""
    fuqing = Unit.objects.get(code="350181")
    mine = make_project(unit=fuqing, name=NAME, amount="24200",
                        investor=CompanyFactory(name=INVESTOR))  # fmt: skip
    same = import_projects(path=_sheet(tmp_path / "a.xlsx"), unit=fuqing, actor=outsider)
    assert (same.created, same.updated, same.clashes) == (0, 1, [])
    other = _sheet(tmp_path / "b.xlsx", investor="福州滨海另一投资有限公司")
    report = import_projects(path=other, unit=fuqing, actor=outsider)
    assert (report.created, report.updated, report.clashes) == (1, 0, [])
    assert Project.objects.filter(normalized_name=mine.normalized_name).count() == 2
    assert not intake_models.Clash.objects.exists()


def test_an_import_into_the_owners_unit_still_updates_and_names_user_and_file(
    owner, units, tmp_path
):
    project = make_project(unit=units.changle, name=NAME, amount="24200",
                           investor=CompanyFactory(name=INVESTOR))  # fmt: skip
    report = import_projects(path=_sheet(tmp_path / "长乐.xlsx"), unit=units.changle, actor=owner)
    assert (report.updated, report.clashes) == (1, [])
    project.refresh_from_db()
    assert project.total_investment == Decimal("99000")
    row = project.history.order_by("-history_date").first()
    assert (row.history_user, row.history_change_reason) == (owner, "导入自 长乐.xlsx")
    assert ImportRun.objects.get().run_by == owner


def test_new_projects_of_an_import_name_user_and_file(owner, units, tmp_path):
    report = import_projects(path=_sheet(tmp_path / "长乐.xlsx"), unit=units.changle, actor=owner)
    assert report.created == 1
    project = Project.objects.get()
    row = project.history.get()
    assert (row.history_user, row.history_change_reason) == (owner, "导入自 长乐.xlsx")
    assert {e.recorded_by for e in project.stage_entries.all()} == {owner}


def test_a_credit_code_learnt_for_a_new_project_has_its_history_row(owner, units, tmp_path):
    company = CompanyFactory(name=INVESTOR)  # in the register, without a code
    sheet = _sheet(tmp_path / "长乐.xlsx", name="另一个项目", credit="91350100M000100Y43")
    import_projects(path=sheet, unit=units.changle, actor=owner)
    company.refresh_from_db()
    assert company.credit_code == "91350100M000100Y43"
    row = company.history.order_by("-history_date").first()
    assert (row.credit_code, row.history_user) == ("91350100M000100Y43", owner)


def test_a_confirmed_text_matching_a_hidden_project_is_a_clash(outsider, minqing_project):
    fuqing = Unit.objects.get(code="350181")
    extraction = extraction_create(
        raw=f"1月27日,我市与{INVESTOR}签约{NAME},总投资9.9亿元。", unit=fuqing,
        actor=outsider, source_name="福清简报",
    )  # fmt: skip
    candidate = extraction.candidates.create(position=99, data={"name": NAME})
    before = checksum(ignore=["intake.clash"])
    with pytest.raises(Exception) as refused:
        candidate_confirm(candidate=candidate, actor=outsider, name=NAME, stage="signed",
                          effective_on=dt.date(2022, 1, 27), amount=Decimal("9.9"),
                          amount_unit="亿元")  # fmt: skip
    assert CLASH_TEXT in str(refused.value) and minqing_project.code not in str(refused.value)
    assert changed(before, checksum(ignore=["intake.clash"])) == []
    clash = intake_models.Clash.objects.get()
    assert (clash.project, clash.actor, clash.source) == (
        minqing_project,
        outsider,
        "文本识别:福清简报",
    )
    assert Company.objects.filter(name=INVESTOR).count() == 1


def test_the_text_review_page_warns_of_a_clash_and_refuses_to_confirm_it(
    client, outsider, minqing_project
):
    client.force_login(outsider)
    fuqing = Unit.objects.get(code="350181")
    extraction = extraction_create(raw=f"我市与{INVESTOR}签约{NAME},总投资9.9亿元。",
                                   unit=fuqing, actor=outsider)  # fmt: skip
    candidate = extraction.candidates.create(position=99, data={"name": NAME})
    url = f"/imports/texts/{extraction.pk}/"
    review = client.get(url).content.decode()
    assert CLASH_TEXT in review and minqing_project.code not in review
    before = checksum(ignore=["intake.clash"])
    prefix = f"c{candidate.pk}"
    html = client.post(url, {
        "candidate": candidate.pk, "action": "confirm", f"{prefix}-name": NAME,
        f"{prefix}-amount": "9.9", f"{prefix}-amount_unit": "亿元", f"{prefix}-stage": "signed",
        f"{prefix}-effective_on": "2022-01-27",
    }).content.decode()  # fmt: skip
    assert CLASH_TEXT in html and minqing_project.code not in html and "24200" not in html
    assert changed(before, checksum(ignore=["intake.clash"])) == []
    assert intake_models.Clash.objects.get().kind == "text"
