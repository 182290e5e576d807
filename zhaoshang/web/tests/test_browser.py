"""Pages in a real browser: Playwright driving Debian's chromium (never a downloaded one).

An officer records a project from lead to landing with a capital arrival and sees the
dashboard and kanban change, at desktop and phone width. Every request the pages make is
recorded: any to a host other than the test server fails the test. Screenshots go to
var/screenshots/ (git-ignored); docs/ holds the current ones shown in the README."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from zhaoshang.factories import make_project
from zhaoshang.projects.models import FxRate, Project
from zhaoshang.web.tests.browsing import BROWSER_MARKS, VIEWPORTS, Session

pytestmark = [m for m in BROWSER_MARKS if m.name != "django_db"]


def figure(page, label):
    """The count shown on a dashboard card."""
    card = page.locator("a.figure-card", has_text=label).first
    return int(re.search(r"(\d+)个", card.inner_text()).group(1))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_officer_records_a_project_from_lead_to_landing(
    browser, live_server, owner, outsider, units, viewport
):
    make_project(
        unit=units.changle,
        name="长乐东南大数据中心项目",
        amount="756200",
        entered_on=dt.date(2020, 1, 1),
    )
    make_project(
        unit=units.fuqing, name="福清江阴不锈钢项目", amount="50000", entered_on=dt.date(2020, 1, 1)
    )
    today = timezone.localdate()
    FxRate.objects.create(month=today.replace(day=1), cny_per_usd="7.1")
    s = Session(browser, live_server, viewport)
    s.sign_in(owner.username, "wrong-password")
    assert "请输入一个正确的" in s.page.locator(".alert-danger").inner_text()
    s.sign_in(owner.username)
    page = s.page
    assert figure(page, "项目总数") == 1 and figure(page, "期间落地") == 0
    assert "福清" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    page.wait_for_function("document.querySelector('[data-chart=funnel] canvas') !== null")
    s.shot("dashboard")

    # Create a project.
    s.go("/projects/new/")
    page.get_by_label("项目名称").fill("神州优车数字经济产业园项目")
    page.locator("#id_unit").select_option("350112")
    page.get_by_label("总投资(万元)").fill("300000")
    page.get_by_label("投资方名称").fill("神州优车(福建)有限公司")
    page.get_by_label("入库日期").fill(f"{today.year}-01-05")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/projects/FZ-\d{4}-\d{4}/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    assert "已登记项目" in page.content()

    # 签约, then 落地, then a capital arrival.
    for stage, label in (("signed", "签约"), ("landed", "落地")):
        page.get_by_role("link", name="阶段变更").click()
        page.locator("#id_stage").select_option(stage)
        page.get_by_label("生效日期").fill(today.isoformat())
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"**/projects/{code}/")
        assert page.locator("#stage-badge").inner_text() == label
    page.get_by_role("link", name="登记到资").click()
    page.get_by_label("金额").fill("1200.25")
    page.get_by_label("到资日期").fill(today.isoformat())
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/projects/{code}/")
    assert "1200.25万元" in page.locator("#arrivals").inner_text()
    s.shot("detail")

    # The dashboard and the kanban follow.
    s.go("/")
    assert figure(page, "项目总数") == 2 and figure(page, "期间落地") == 1
    assert figure(page, "期间签约") == 1
    assert "0.12亿元" in page.locator("#capital-arrived").inner_text()
    s.go("/kanban/")
    landed = page.locator('.kanban-col[data-stage="landed"] [data-count]')
    assert landed.inner_text() == "1"
    s.shot("kanban")
    s.go("/projects/")
    assert "共 2 个项目" in page.locator("#totals").inner_text()
    s.shot("list")
    assert s.outside_requests() == []
    s.close()

    # Another district's officer: 404 for the page and the API route.
    other = Session(browser, live_server, viewport)
    other.sign_in(outsider.username)
    response = other.page.goto(f"{other.base}/projects/{code}/")
    assert response.status == 404
    api = other.page.request.get(f"{other.base}/api/v1/projects/{code}")
    assert api.status == 404
    other.close()
    assert Project.objects.get(code=code).stage == "landed"


@pytest.mark.django_db(transaction=True)
def test_kanban_drag_and_drop_asks_for_the_date_and_checks_it(browser, live_server, owner, units):
    project = make_project(
        unit=units.changle, name="拖动测试项目", amount="1000", entered_on=dt.date(2021, 1, 1)
    )
    s = Session(browser, live_server, "desktop")
    s.sign_in(owner.username)
    page = s.go("/kanban/")
    card = page.locator(f'.kanban-card[data-code="{project.code}"]')
    card.drag_to(page.locator('.kanban-col[data-stage="negotiating"]'))
    page.locator("#move-dialog").wait_for(state="visible")
    page.locator("#move-date").fill("2020-06-01")  # before the lead was recorded
    page.get_by_role("button", name="确定").click()
    page.locator("#move-errors").wait_for(state="visible")
    assert "日期顺序异常" in page.locator("#move-errors").inner_text()
    page.locator("#move-date").fill("2021-06-01")
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state("load")
    page.locator('.kanban-col[data-stage="negotiating"] [data-count]', has_text="1").wait_for()
    project.refresh_from_db()
    assert (project.stage, project.stage_on) == ("negotiating", dt.date(2021, 6, 1))
    assert s.outside_requests() == []
    s.close()
