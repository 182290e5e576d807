"""What every browser test shares: Debian's chromium driven by Playwright (never a
downloaded one), a session that records every request it makes, screenshots."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from zhaoshang.factories import PASSWORD

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
SHOTS = Path(settings.VAR_DIR) / "screenshots"
VIEWPORTS = {"desktop": {"width": 1920, "height": 1080}, "phone": {"width": 375, "height": 740}}

BROWSER_MARKS = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser tests (.ci/run installs it)")
    BROWSER_MARKS.append(pytest.mark.skip(reason="chromium is not installed"))


class Session:
    """A page that records every request and where it went."""

    def __init__(self, browser, live_server, viewport):
        self.base = live_server.url
        self.context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.viewport = viewport
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))

    def go(self, path):
        self.page.goto(self.base + path)
        return self.page

    def sign_in(self, username, password=PASSWORD):
        page = self.go("/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}-{self.viewport}.png"), full_page=False)

    def outside_requests(self):
        host = urlparse(self.base).netloc
        return [
            u
            for u in self.requests
            if urlparse(u).netloc not in (host, "") and not u.startswith(("data:", "blob:"))
        ]

    def close(self):
        self.context.close()
