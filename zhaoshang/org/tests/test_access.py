import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhaoshang.factories import UserFactory, make_project
from zhaoshang.org.services import unit_add
from zhaoshang.projects.models import Project, StageEntry
from zhaoshang.projects.selectors import get_project_for_user
from zhaoshang.projects.services import project_move_to_stage


@pytest.fixture
def changle_project(units):
    return make_project(unit=units.changle, name="长乐神州优车数字经济产业园项目")


@pytest.fixture
def fuqing_project(units):
    return make_project(unit=units.fuqing, name="福清江阴港不锈钢项目")


def test_officer_reads_and_writes_own_unit(owner, changle_project):
    assert get_project_for_user(owner, changle_project.code) == changle_project
    assert get_project_for_user(owner, changle_project.code, write=True) == changle_project


def test_outsider_gets_404_for_read_and_write(outsider, changle_project):
    with pytest.raises(Http404):
        get_project_for_user(outsider, changle_project.code)
    with pytest.raises(Http404):
        get_project_for_user(outsider, changle_project.code, write=True)
    assert changle_project not in Project.objects.visible_to(outsider)


def test_missing_and_forbidden_look_the_same(outsider):
    with pytest.raises(Http404) as missing:
        get_project_for_user(outsider, "FZ-1999-9999")
    assert str(missing.value) == "没有找到该项目"


def test_leader_reads_but_does_not_write(teammate, changle_project):
    assert get_project_for_user(teammate, changle_project.code) == changle_project
    with pytest.raises(Http404):
        get_project_for_user(teammate, changle_project.code, write=True)


def test_city_admin_reads_both_districts(city_admin, changle_project, fuqing_project):
    visible = set(Project.objects.visible_to(city_admin))
    assert {changle_project, fuqing_project} <= visible
    assert get_project_for_user(city_admin, fuqing_project.code, write=True) == fuqing_project


def test_city_admin_of_a_department_still_sees_the_city(units, changle_project):
    dept = unit_add(parent=units.fuzhou, name="市商务局", kind="department")
    admin = UserFactory(username="swj_admin", unit=dept, role="city_admin")
    assert changle_project in Project.objects.visible_to(admin)


def test_department_sees_only_what_it_is_responsible_for(units, changle_project):
    dept = unit_add(parent=units.fuzhou, name="市工信局", kind="department")
    user = UserFactory(username="gxj", unit=dept, role="department")
    assert not Project.objects.visible_to(user).exists()
    assigned = make_project(unit=units.changle, name="工信局督办项目", responsible_unit=dept)
    assert list(Project.objects.visible_to(user)) == [assigned]
    with pytest.raises(Http404):
        get_project_for_user(user, assigned.code, write=True)


def test_a_project_landing_in_a_district_is_visible_there(units, owner):
    city_project = make_project(unit=units.fuzhou, name="市级统筹项目", region=units.changle)
    assert city_project in Project.objects.visible_to(owner)
    assert city_project not in Project.objects.writable_by(owner)


def test_anonymous_sees_nothing(changle_project):
    from django.contrib.auth.models import AnonymousUser

    assert not Project.objects.visible_to(AnonymousUser()).exists()


def test_inactive_user_sees_nothing(owner, changle_project):
    owner.is_active = False
    assert not Project.objects.visible_to(owner).exists()


def test_stage_move_by_outsider_is_refused_and_writes_nothing(outsider, changle_project):
    before = StageEntry.objects.count()
    with pytest.raises(PermissionDenied, match="无权修改项目"):
        project_move_to_stage(
            project=changle_project,
            stage="signed",
            effective_on=dt.date(2017, 3, 1),
            actor=outsider,
        )
    assert StageEntry.objects.count() == before
    changle_project.refresh_from_db()
    assert changle_project.stage == "lead"
