"""Enterprise service: a request from 受理 to 评价, 督办 when overdue, what a department
sees, approval clocks. Refusals write nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.factories import CompanyFactory, UserFactory, make_project
from zhaoshang.fieldwork.figures import approval_medians, fieldwork_figures, requests_under
from zhaoshang.figures.periods import Period
from zhaoshang.org.services import unit_add
from zhaoshang.service.models import (
    ApprovalItem,
    ApprovalMilestone,
    RequestCategory,
    RequestUpdate,
    ServiceRequest,
)
from zhaoshang.service.services import (
    approval_save,
    request_close,
    request_escalate,
    request_progress,
    request_rate,
    request_save,
)


@pytest.fixture
def bureau(units):
    return unit_add(parent=units.fuzhou, name="市资源规划局", kind="department")


@pytest.fixture
def other_bureau(units):
    return unit_add(parent=units.fuzhou, name="市人社局", kind="department")


@pytest.fixture
def clerk(bureau):
    return UserFactory(username="ziyuan_clerk", unit=bureau, role="department")


def take_in(
    units,
    owner,
    department,
    received=dt.date(2017, 3, 1),
    due=dt.date(2017, 3, 21),
    title="项目用地指标落实",
):
    return request_save(
        data={
            "unit": units.changle,
            "company": CompanyFactory(name="福建东南大数据有限公司"),
            "category": RequestCategory.objects.get(name="用地", owner=None),
            "title": title,
            "description": "二期用地约120亩,需协调用地指标",
            "department": department,
            "received_on": received,
            "due_on": due,
        },
        actor=owner,
    )


def state():
    return list(ServiceRequest.objects.values()), list(RequestUpdate.objects.values())


def test_a_request_goes_from_received_to_rated(units, owner, bureau, clerk):
    req = take_in(units, owner, bureau)
    request_progress(request=req, note="已会同长乐区现场踏勘", actor=clerk, on=dt.date(2017, 3, 5))
    request_close(request=req, resolution="用地指标已落实", actor=clerk, on=dt.date(2017, 3, 15))
    request_rate(request=req, satisfaction=5, comment="办事效率高", actor=owner)
    req.refresh_from_db()
    assert (req.status, req.days_to_close, req.satisfaction) == ("rated", 14, 5)
    assert [u.kind for u in req.updates.all()] == ["received", "progress", "closed", "rated"]


def test_a_request_for_a_department_outside_the_city_is_refused(units, owner):
    xiamen_bureau = unit_add(parent=units.xiamen, name="厦门市商务局", kind="department")
    before = state()
    with pytest.raises(ValidationError) as err:
        take_in(units, owner, xiamen_bureau)
    assert err.value.message_dict["department"] == [
        "承办部门“厦门市商务局”不在福州市范围内,只能交本市部门或单位承办"
    ]
    assert state() == before


def test_a_due_date_before_receipt_is_refused(units, owner, bureau):
    with pytest.raises(ValidationError) as err:
        take_in(units, owner, bureau, due=dt.date(2017, 2, 28))
    assert err.value.message_dict["due_on"] == ["办结时限不能早于受理日期"]
    assert ServiceRequest.objects.count() == 0


def test_only_a_closed_request_is_rated_and_only_once(units, owner, bureau, clerk):
    req = take_in(units, owner, bureau)
    with pytest.raises(ValidationError):
        request_rate(request=req, satisfaction=4, actor=owner)
    request_close(request=req, resolution="已办结", actor=clerk, on=dt.date(2017, 3, 10))
    with pytest.raises(ValidationError) as err:
        request_rate(request=req, satisfaction=6, actor=owner)
    assert err.value.message_dict["satisfaction"] == ["满意度为1–5分"]
    request_rate(request=req, satisfaction=4, actor=owner)
    with pytest.raises(ValidationError):
        request_rate(request=req, satisfaction=5, actor=owner)


def test_a_department_sees_and_works_only_on_what_is_assigned_to_it(
    units, owner, bureau, other_bureau, clerk
):
    mine = take_in(units, owner, bureau)
    theirs = take_in(units, owner, other_bureau, title="人才公寓申请")
    visible = requests_under(clerk, units.fuzhou)
    assert list(visible) == [mine]
    with pytest.raises(PermissionDenied):
        request_close(request=theirs, resolution="越权办结", actor=clerk)
    with pytest.raises(PermissionDenied):  # 督办 is asked for by the unit that took it in
        request_escalate(request=mine, actor=clerk)
    assert ServiceRequest.objects.get(pk=theirs.pk).status == "received"


def test_an_overdue_request_is_escalated_to_the_higher_unit(units, owner, bureau):
    with time_machine.travel(dt.datetime(2017, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        req = take_in(units, owner, bureau)
    with time_machine.travel(dt.datetime(2017, 3, 21, 9, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError) as err:  # due today: not yet overdue
            request_escalate(request=req, actor=owner)
        assert "未逾期" in str(err.value)
    with time_machine.travel(dt.datetime(2017, 3, 31, 9, tzinfo=dt.UTC), tick=False):
        assert req.days_overdue(dt.date(2017, 3, 31)) == 10
        request_escalate(request=req, actor=owner, note="请市里协调")
    req.refresh_from_db()
    assert (req.escalated_to, req.escalated_on) == (units.fuzhou, dt.date(2017, 3, 31))
    assert req.updates.last().note == "逾期10天,提请福州市督办。请市里协调"
    with (
        time_machine.travel(dt.datetime(2017, 4, 2, 9, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError),  # already with the city: "up" must be higher still
    ):
        request_escalate(request=req, actor=owner, to=units.fuzhou)


def test_service_figures_for_a_period(units, owner, teammate, bureau, clerk):
    a = take_in(units, owner, bureau, received=dt.date(2017, 3, 1), due=dt.date(2017, 3, 10))
    b = take_in(units, owner, bureau, received=dt.date(2017, 3, 2), due=dt.date(2017, 3, 30))
    c = take_in(units, owner, bureau, received=dt.date(2017, 3, 3), due=dt.date(2017, 3, 5))
    take_in(units, owner, bureau, received=dt.date(2017, 3, 4), due=dt.date(2017, 3, 6))
    request_close(request=a, resolution="办结", actor=clerk, on=dt.date(2017, 3, 8))  # 7 days
    request_close(request=b, resolution="办结", actor=clerk, on=dt.date(2017, 3, 22))  # 20 days
    request_close(request=c, resolution="办结", actor=clerk, on=dt.date(2017, 3, 13))  # 10 days
    request_rate(request=a, satisfaction=5, actor=owner)
    request_rate(request=c, satisfaction=4, actor=owner)
    march = Period("month", dt.date(2017, 3, 1), dt.date(2017, 3, 31))
    f = fieldwork_figures(
        user=teammate, scope=units.changle, period=march, today=dt.date(2018, 1, 1)
    )
    assert (f.requests_received, f.requests_closed, f.requests_overdue) == (4, 3, 1)
    assert (f.median_days_to_close, f.satisfaction, f.rated) == (Decimal("10.0"), Decimal("4.5"), 2)
    on_the_10th = Period("custom", dt.date(2017, 3, 1), dt.date(2017, 3, 10))
    f = fieldwork_figures(
        user=teammate, scope=units.changle, period=on_the_10th, today=dt.date(2018, 1, 1)
    )
    assert f.requests_overdue == 2  # c (due 3-05) and the fourth (due 3-06) were still open


# ── approvals ───────────────────────────────────────────────────────────────────────


def test_approval_milestones_and_their_medians(units, owner, outsider):
    project = make_project(unit=units.changle, name="东南大数据产业园二期", actor=owner)
    other = make_project(unit=units.fuqing, name="福清核电配套项目", actor=outsider)
    item = ApprovalItem.objects.get(name="施工许可", owner=None)
    env = ApprovalItem.objects.get(name="环评", owner=None)
    approval_save(
        project=project,
        actor=owner,
        data={
            "item": item,
            "started_on": dt.date(2017, 3, 1),
            "finished_on": dt.date(2017, 3, 2),
            "parallel": True,
        },
    )
    approval_save(
        project=project,
        actor=owner,
        data={"item": env, "started_on": dt.date(2017, 3, 1), "finished_on": dt.date(2017, 3, 21)},
    )
    approval_save(
        project=other,
        actor=outsider,
        data={"item": item, "started_on": dt.date(2017, 4, 1), "finished_on": dt.date(2017, 4, 5)},
    )
    with pytest.raises(ValidationError) as err:
        approval_save(
            project=other,
            actor=outsider,
            data={
                "item": env,
                "started_on": dt.date(2017, 4, 9),
                "finished_on": dt.date(2017, 4, 1),
            },
        )
    assert err.value.message_dict["finished_on"] == ["办结日期不能早于申报日期"]
    with pytest.raises(PermissionDenied):
        approval_save(
            project=other, actor=owner, data={"item": env, "started_on": dt.date(2017, 4, 9)}
        )
    assert ApprovalMilestone.objects.count() == 3

    city = approval_medians(
        user=UserFactory(username="admin2", unit=units.fuzhou, role="city_admin"),
        scope=units.fuzhou,
    )
    assert city["items"] == [("施工许可", 2, Decimal("2.5")), ("环评", 1, Decimal("20.0"))]
    assert dict((u, m) for u, _, m in city["units"]) == {
        "长乐区": Decimal("10.5"),
        "福清市": Decimal("4.0"),
    }
    assert (city["parallel"], city["serial"]) == (Decimal("1.0"), Decimal("12.0"))
