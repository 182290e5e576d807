import datetime as dt

import pytest

from zhaoshang.factories import PASSWORD, make_project


@pytest.fixture
def two_districts(units):
    make_project(
        unit=units.changle,
        name="长乐数据中心项目",
        amount="12345.6",
        entered_on=dt.date(2020, 1, 1),
    )
    make_project(
        unit=units.fuqing, name="福清不锈钢项目", amount="50000", entered_on=dt.date(2020, 1, 1)
    )


def test_pages_need_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_health_check_and_sign_in_page_are_open(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    page = client.get("/accounts/login/")
    assert "登录招商项目管理系统" in page.content.decode()


def test_sign_in_lands_on_the_home_page_with_own_scope(client, owner, two_districts):
    response = client.post(
        "/accounts/login/", {"username": owner.username, "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert "长乐区" in html and "长乐数据中心项目" in html and "1.23456亿元" in html
    assert "福清不锈钢项目" not in html


def test_wrong_password_is_refused_in_chinese(client, owner):
    html = client.post(
        "/accounts/login/", {"username": owner.username, "password": "x"}
    ).content.decode()
    assert "请输入一个正确的" in html


def test_admin_lists_only_the_scope(client, units, two_districts):
    from zhaoshang.factories import UserFactory

    admin = UserFactory(
        username="changle_admin",
        unit=units.changle,
        role="city_admin",
        is_staff=True,
        is_superuser=False,
    )
    from django.contrib.auth.models import Permission

    admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_project", "change_project"])
    )
    client.force_login(admin)
    # A city admin of 长乐 sees 福州市 — both districts; an officer with staff rights would not.
    html = client.get("/admin/projects/project/").content.decode()
    assert "长乐数据中心项目" in html and "福清不锈钢项目" in html
    officer = UserFactory(
        username="changle_staff", unit=units.changle, role="officer", is_staff=True
    )
    officer.user_permissions.add(*Permission.objects.filter(codename="view_project"))
    client.force_login(officer)
    html = client.get("/admin/projects/project/").content.decode()
    assert "长乐数据中心项目" in html and "福清不锈钢项目" not in html
