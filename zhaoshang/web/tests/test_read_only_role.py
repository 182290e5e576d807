"""Walk defect 2: the leader (role `leader`, read-only) was offered 保存目标 and the target
sheet import on /targets/, and a save answered "已保存2026年目标(变更0项)". The class, read
from the URL patterns: on the demo city every page a leader opens offers no form that
would POST a write, and a POST to every page is refused with nothing changed."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import get_resolver

from zhaoshang.org.models import User
from zhaoshang.web.tests.checksum import changed, checksum
from zhaoshang.web.tests.test_write_scope import (
    OWN_ACCOUNT,
    World,
    _fill,
    _path_args,
    _patterns,
    _payload,
)

pytestmark = pytest.mark.slow

# Forms a read-only user may be offered, by where they post, and why.
ALLOWED_POSTS = {
    "/accounts/logout/": "sign-out: it ends the session, it writes nothing of the books",
    "/logout/": "sign-out",
    "/account/": "their own password and API tokens",
    "/i18n/setlang/": "the interface language",
}
FORM = re.compile(r"<form\b[^>]*>", re.I)
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@pytest.fixture
def world(units) -> World:
    from zhaoshang.assessment.models import Run

    world = World()
    Run.objects.update(published_at=None)  # a run the leader could (wrongly) publish
    return world


def _pages(world: World) -> list[tuple[str, str]]:
    out = []
    for route, pattern in _patterns(get_resolver()):
        if route.startswith("i18n"):
            continue
        name = pattern.name or route
        out.append((name, _fill(route, _path_args(world, name, PARAM.findall(route)))))
    return out


def test_a_read_only_user_is_offered_no_form_that_writes(client, world):
    leader = User.objects.get(username="leader")
    assert leader.role == "leader"
    client.force_login(leader)
    offered, opened = [], []
    for name, url in _pages(world):
        if name in OWN_ACCOUNT:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        opened.append(name)
        for tag in FORM.findall(response.content.decode()):
            if not re.search(r"method\s*=\s*[\"']?post", tag, re.I):
                continue
            action = re.search(r"action\s*=\s*[\"']([^\"']*)", tag)
            target = action.group(1) if action else url
            if target.split("?")[0] not in ALLOWED_POSTS:
                offered.append((url, tag))
    assert {"target_grid", "project_detail", "home"} <= set(opened)
    assert offered == []


def test_every_post_of_a_read_only_user_is_refused_and_changes_nothing(client, world):
    """Refused: 403 (with the reason in Chinese), 404 or 405; or, on a page that only
    reads, the page again with nothing said. Never a redirect or a 'saved'."""
    client.force_login(User.objects.get(username="leader"))
    before = checksum()
    answered, refused = {}, []
    for name, url in _pages(world):
        if name in OWN_ACCOUNT:
            continue
        response = client.post(url, _payload(world))
        said = [str(m) for m in get_messages(response.wsgi_request)]
        if response.status_code == 403:
            assert "无权" in response.content.decode(), url
        if response.status_code in (403, 404, 405):
            refused.append(name)
        elif response.status_code != 200 or said:
            answered[url] = (response.status_code, said)
        assert changed(before, checksum()) == [], url
    assert answered == {}
    assert {"target_grid", "run_publish", "project_edit"} <= set(refused)
