"""Shared test fixtures: real GB/T 2260 units, and the owner / teammate / outsider trio.

The base data (3,200 units and the default lists) is loaded once per test database;
each test then runs in its own transaction and leaves nothing behind."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Pages render without a collected manifest (collectstatic runs for serving only);
    uploaded evidence goes to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from zhaoshang.basedata import load_base_data

    with django_db_blocker.unblock():
        load_base_data()


@pytest.fixture
def units(db):  # type: ignore[no-untyped-def]
    """福州市 and some of its counties, by short name."""
    from zhaoshang.basedata import load_base_data
    from zhaoshang.org.models import Unit

    if not Unit.objects.filter(code="350100").exists():  # flushed by a transactional test
        load_base_data()
    codes = {
        "fujian": "350000",
        "fuzhou": "350100",
        "gulou": "350102",
        "changle": "350112",
        "minhou": "350121",
        "fuqing": "350181",
        "xiamen": "350200",
    }
    by_code = Unit.objects.in_bulk(list(codes.values()), field_name="code")
    return type("Units", (), {k: by_code[v] for k, v in codes.items()})


@pytest.fixture
def owner(units):  # type: ignore[no-untyped-def]
    """An officer of 长乐区: records 长乐 projects."""
    from zhaoshang.factories import UserFactory

    return UserFactory(username="changle_officer", unit=units.changle, role="officer")


@pytest.fixture
def teammate(units):  # type: ignore[no-untyped-def]
    """A leader of 长乐区: reads 长乐 projects, writes nothing."""
    from zhaoshang.factories import UserFactory

    return UserFactory(username="changle_leader", unit=units.changle, role="leader")


@pytest.fixture
def outsider(units):  # type: ignore[no-untyped-def]
    """An officer of 福清市: sees nothing of 长乐."""
    from zhaoshang.factories import UserFactory

    return UserFactory(username="fuqing_officer", unit=units.fuqing, role="officer")


@pytest.fixture
def city_admin(units):  # type: ignore[no-untyped-def]
    from zhaoshang.factories import UserFactory

    return UserFactory(username="fuzhou_admin", unit=units.fuzhou, role="city_admin")


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium through Playwright, for the browser tests (see web/tests/browsing)."""
    import os

    from zhaoshang.web.tests.browsing import CHROMIUM, LAUNCH_ARGS

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
