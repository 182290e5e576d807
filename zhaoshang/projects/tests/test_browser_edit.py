"""Editing one field of a fully filled project in a real browser changes that field only:
the detail page shows it, every other value stays, and the history holds exactly it."""

import re

from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.test_edit import make_filled_project
from zhaoshang.web.tests.browsing import BROWSER_MARKS, Session

pytestmark = BROWSER_MARKS


def test_editing_one_field_shows_exactly_that_change(browser, live_server, owner, units):
    project = make_filled_project(units, owner)
    before = Project.objects.filter(pk=project.pk).values().get()
    s = Session(browser, live_server, "desktop")
    s.sign_in(owner.username)
    page = s.go(f"/projects/{project.code}/edit/")
    assert page.locator("#id_region").input_value() == "350112P02"
    page.get_by_label("总投资(万元)").fill("320000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/projects/{project.code}/$"))
    assert "已保存" in page.content()
    body = page.locator("main").inner_text()
    assert "滨海新城" in body and "长乐区商务局" in body and "神州优车" in body
    rows = page.locator("#changes tbody tr").all()
    cells = [[c.inner_text() for c in r.locator("td").all()] for r in rows]
    edits = [c[2:5] for c in cells if c[2] != "登记"]
    assert edits == [["总投资(万元)", "300000", "320000"]]
    after = Project.objects.filter(pk=project.pk).values().get()
    assert {k for k in before if before[k] != after[k]} == {
        "total_investment",
        "version",
        "updated_at",
    }
    assert s.outside_requests() == []
    s.close()
