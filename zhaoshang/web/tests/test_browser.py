"""Pages in a real browser: Playwright driving Debian's chromium (never a downloaded one)."""

import datetime as dt
import os
import shutil

import pytest

from zhaoshang.factories import PASSWORD, make_project

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser tests (.ci/run installs it)")
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason="chromium is not installed")]


@pytest.fixture(scope="module")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def districts(units):
    make_project(
        unit=units.changle,
        name="长乐东南大数据中心项目",
        amount="756200",
        entered_on=dt.date(2020, 1, 1),
    )
    make_project(
        unit=units.fuqing, name="福清江阴不锈钢项目", amount="50000", entered_on=dt.date(2020, 1, 1)
    )


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.django_db(transaction=True)
def test_officer_signs_in_and_sees_own_district_on_a_phone(browser, live_server, owner, districts):
    page = browser.new_page(viewport={"width": 375, "height": 740}, locale="zh-CN")
    sign_in(page, live_server, owner.username, "wrong-password")
    assert "请输入一个正确的" in page.locator(".alert-danger").inner_text()
    sign_in(page, live_server, owner.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    snapshot = page.locator("#snapshot").inner_text()
    assert "75.62亿元" in snapshot
    assert "长乐东南大数据中心项目" in page.content()
    assert "福清江阴不锈钢项目" not in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the home page scrolls sideways on a phone"
    page.close()
