"""An officer's own export, read back through the import page unchanged, changes nothing
(issue 12 §3 as a user walks it): on a demo city, the 福清 officer downloads the 项目 list
(Excel), uploads it on /imports/, is told "新增0个、更新0个", confirms, and no table moves."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.demo import ensure_demo_users, load_demo
from zhaoshang.org.models import User
from zhaoshang.projects.models import Project
from zhaoshang.web.tests.checksum import changed, checksum


def _text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def _title(book: bytes) -> str:
    """The title lines above an export's header."""
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    return " ".join(str(v) for row in sheet.iter_rows(max_row=5, values_only=True)
                    for v in row if v)  # fmt: skip


@pytest.fixture
def demo_city(units):
    load_demo(projects=100, seed=7)
    ensure_demo_users()
    return User.objects.get(username="fuqing")


def test_an_officers_export_imported_unchanged_on_the_page_changes_nothing(client, demo_city):
    officer = demo_city
    mine = Project.objects.writable_by(officer)
    assert mine.count() >= 3  # the demo gives 福清 projects of its own
    client.force_login(officer)
    export = client.get("/projects/?export=xlsx")
    assert export.status_code == 200
    assert "筛选条件:全部" in _title(export.content)
    filtered = client.get("/projects/?stage=signed&export=xlsx&page=2").content
    assert "筛选条件:stage=signed" in _title(filtered) and "export" not in _title(filtered)
    before = checksum(ignore=["intake.importrun", "sessions.session"])
    upload = SimpleUploadedFile("福清项目.xlsx", export.content)
    html = client.post("/imports/", {"file": upload, "unit": "350181"}).content.decode()
    text = _text(html)
    assert f"将新增0个、更新0个、未变{mine.count()}个;拒绝0行" in text, text[:2000]
    assert "另一单位已登记" not in html
    stored = html.split('name="stored" value="')[1].split('"')[0]
    done = client.post("/imports/", {
        "action": "confirm", "stored": stored, "unit": "350181", "file_name": "福清项目.xlsx",
        "as_of": "", "all_or_nothing": "0",
    }).content.decode()  # fmt: skip
    assert "已导入到福清市:新增0个,更新0个" in _text(done)
    assert changed(before, checksum(ignore=["intake.importrun"])) == []
