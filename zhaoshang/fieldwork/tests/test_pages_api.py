"""Field-work and service pages (Django's test client) and API routes, as the owner
(长乐 officer), a leader, another district's officer and a city department."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from zhaoshang.factories import CompanyFactory, UserFactory, make_project
from zhaoshang.fieldwork.models import Contact, Event
from zhaoshang.fieldwork.services import contact_log, event_save, trip_save
from zhaoshang.org.services import token_create, unit_add
from zhaoshang.service.models import ApprovalItem, RequestCategory, ServiceRequest
from zhaoshang.service.services import approval_save, request_save


def signed_in(client, user):
    client.force_login(user)
    return client


def api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)[1]}")


@pytest.fixture
def bureau(units):
    return unit_add(parent=units.fuzhou, name="市资源规划局", kind="department")


@pytest.fixture
def event(units, owner):
    return event_save(
        data={
            "name": "2017年长乐区重点项目集中签约仪式",
            "kind": "signing",
            "held_on": dt.date(2017, 2, 5),
            "place": "长乐区政府",
            "unit": units.changle,
        },
        actor=owner,
    )


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_field_work_pages_need_sign_in(client, db):
    for url in [
        "/contacts/",
        "/trips/",
        "/events/",
        "/teams/",
        "/requests/",
        "/requests/overdue/",
        "/follow-ups/",
        "/stalled/",
        "/calendar/",
        "/approvals/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url


def test_logging_a_visit_matches_the_company_by_its_short_name(client, units, owner):
    known = CompanyFactory(name="神州优车(福建)有限公司")
    project = make_project(
        unit=units.changle, name="神州优车数字经济产业园", actor=owner, investor=known
    )
    signed_in(client, owner)
    form = client.get("/contacts/new/")
    assert 'list="company-options"' in form.content.decode()
    response = client.post(
        "/contacts/new/",
        {
            "company_name": "神州优车",
            "contacted_on": "2017-01-20",
            "kind": "visit",
            "outcome": "拜访神州优车总部,对方确认在长乐设立区域总部",
            "unit": "350112",
            "project_codes": project.code,
            "follow_up_on": "2017-02-01",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.company, list(contact.projects.all()), contact.recorded_by) == (
        known,
        [project],
        owner,
    )
    detail = text(client.get(f"/contacts/{contact.pk}/"))
    assert "拜访神州优车总部" in detail and project.code in detail
    suggestions = client.get("/companies/search/?q=神州").content.decode()
    assert '<option value="神州优车(福建)有限公司">' in suggestions
    company_page = text(client.get(f"/companies/{known.pk}/"))
    assert "拜访 <strong>1</strong> 次" in company_page


def test_a_visit_with_a_future_date_or_an_unknown_project_is_refused(client, units, owner):
    signed_in(client, owner)
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    html = client.post(
        "/contacts/new/",
        {
            "company_name": "正大集团",
            "contacted_on": tomorrow.isoformat(),
            "kind": "visit",
            "outcome": "洽谈",
            "unit": "350112",
            "project_codes": "FZ-2099-0001",
        },
    ).content.decode()
    assert "晚于今天,不能预先登记" in html
    assert "没有找到项目:FZ-2099-0001" in html
    assert Contact.objects.count() == 0


def test_an_event_page_adds_signings_and_shows_its_totals(client, units, owner, outsider, event):
    projects = [
        make_project(
            unit=units.changle, name=n, amount=a, actor=owner, entered_on=dt.date(2016, 10, 1)
        )
        for n, a in (
            ("东南大数据产业园", "1030000"),
            ("中国东方航空基地", "800000"),
            ("长乐滨海新城综合体", "550000"),
        )
    ]
    signed_in(client, owner)
    for project, amount in zip(projects, ["103亿元", "80亿", ""], strict=True):
        response = client.post(
            f"/events/{event.pk}/",
            {"project_code": project.code, "sign_kind": "contract", "amount": amount},
        )
        assert response.status_code == 302
    page = text(client.get(f"/events/{event.pk}/"))
    assert "合计3个项目,总投资额238.00亿元" in page
    for project in projects:
        project.refresh_from_db()
        assert (project.stage, project.signed_on) == ("signed", dt.date(2017, 2, 5))
    theirs = make_project(unit=units.fuqing, name="福清不锈钢项目", actor=outsider)
    refused = text(
        client.post(f"/events/{event.pk}/", {"project_code": theirs.code, "sign_kind": "contract"})
    )
    assert f"没有找到项目 {theirs.code}" in refused  # not visible: reported as missing
    assert event.signings.count() == 3


def test_a_leader_reads_events_but_cannot_add_signings(client, units, owner, teammate, event):
    project = make_project(unit=units.changle, name="项目甲", actor=owner)
    signed_in(client, teammate)
    assert "添加签约项目" not in client.get(f"/events/{event.pk}/").content.decode()
    response = client.post(
        f"/events/{event.pk}/", {"project_code": project.code, "sign_kind": "contract"}
    )
    assert response.status_code == 404 and event.signings.count() == 0
    assert client.get("/contacts/new/").status_code == 403


def test_another_district_sees_none_of_it(client, units, owner, outsider, event):
    trip = trip_save(
        data={
            "unit": units.changle,
            "leader_name": "张",
            "leader_type": "main",
            "cities": "北京",
            "start_on": dt.date(2017, 3, 6),
            "end_on": dt.date(2017, 3, 8),
        },
        actor=owner,
    )
    signed_in(client, outsider)
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(f"/trips/{trip.pk}/").status_code == 404
    assert "长乐区重点项目集中签约仪式" not in client.get("/events/").content.decode()


def test_requests_through_the_pages_and_a_department_sees_only_its_own(
    client, units, owner, bureau
):
    other = unit_add(parent=units.fuzhou, name="市人社局", kind="department")
    clerk = UserFactory(username="ziyuan", unit=bureau, role="department")
    signed_in(client, owner)
    category = RequestCategory.objects.get(name="用地", owner=None)
    for title, department in (("二期用地指标", bureau), ("人才公寓申请", other)):
        response = client.post(
            "/requests/new/",
            {
                "company_name": "福建东南大数据有限公司",
                "category": category.pk,
                "title": title,
                "unit": "350112",
                "department": department.code,
                "received_on": "2017-03-01",
                "due_on": "2017-03-21",
            },
        )
        assert response.status_code == 302, text(response)
    mine, theirs = ServiceRequest.objects.order_by("pk")
    client.logout()
    signed_in(client, clerk)
    listing = text(client.get("/requests/"))
    assert "二期用地指标" in listing and "人才公寓申请" not in listing
    assert client.get(f"/requests/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/requests/{mine.pk}/", {"action": "close", "resolution": "指标已落实", "on": "2017-03-15"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.closed_on) == ("closed", dt.date(2017, 3, 15))
    refused = client.post(f"/requests/{mine.pk}/", {"action": "rate", "satisfaction": "5"})
    assert refused.status_code == 404  # the rating is the taking unit's to record


def test_overdue_requests_appear_on_the_supervision_list_and_go_up(client, units, owner, bureau):
    with time_machine.travel(dt.datetime(2017, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        req = request_save(
            data={
                "unit": units.changle,
                "company": CompanyFactory(name="福建东南大数据有限公司"),
                "category": RequestCategory.objects.get(name="审批", owner=None),
                "title": "施工许可并联审批",
                "department": bureau,
                "received_on": dt.date(2017, 3, 1),
                "due_on": dt.date(2017, 3, 10),
            },
            actor=owner,
        )
    signed_in(client, owner)
    with time_machine.travel(dt.datetime(2017, 3, 15, 9, tzinfo=dt.UTC), tick=False):
        page = text(client.get("/requests/overdue/"))
        assert "施工许可并联审批" in page and ">5</td>" in page and "提请福州市督办" in page
        response = client.post(f"/requests/{req.pk}/", {"action": "escalate", "note": ""})
        assert response.status_code == 302
        detail = text(client.get(f"/requests/{req.pk}/"))
    assert "逾期5天" in detail and "福州市督办" in detail


def test_dashboard_shows_field_work_linked_to_its_records(client, units, owner, event):
    company = CompanyFactory(name="国家信息中心")
    for day in (1, 2, 3):
        contact_log(
            data={
                "kind": "inspection",
                "contacted_on": dt.date(2017, 6, day),
                "unit": units.changle,
                "company": company,
                "outcome": "来长考察",
            },
            actor=owner,
        )
    signed_in(client, owner)
    html = client.get("/?period=year&year=2017").content.decode()
    card = re.search(r'href="([^"]+)" data-work="inspections".*?class="value">(\d+)', html, re.S)
    assert card.group(2) == "3"
    listing = text(client.get(card.group(1).replace("&amp;", "&")))
    assert listing.count("来长考察") == 3
    events = re.search(r'href="([^"]+)" data-work="events".*?class="value">(\d+)', html, re.S)
    assert events.group(2) == "1"
    assert "集中签约仪式" in client.get(events.group(1).replace("&amp;", "&")).content.decode()


def test_calendar_stalled_and_approval_pages(client, units, owner):
    today = timezone.localdate()
    trip_save(
        data={
            "unit": units.changle,
            "leader_name": "林",
            "leader_type": "deputy",
            "cities": "贵阳",
            "start_on": today.replace(day=1),
            "end_on": today.replace(day=1),
        },
        actor=owner,
    )
    project = make_project(
        unit=units.changle,
        name="长乐玻璃深加工项目",
        actor=owner,
        entered_on=today - dt.timedelta(days=90),
        stage="negotiating",
    )
    approval_save(
        project=project,
        actor=owner,
        data={
            "item": ApprovalItem.objects.get(name="环评", owner=None),
            "started_on": today - dt.timedelta(days=20),
            "finished_on": today - dt.timedelta(days=1),
        },
    )
    signed_in(client, owner)
    assert "外出:贵阳" in client.get("/calendar/").content.decode()
    assert "长乐玻璃深加工项目" in client.get("/stalled/").content.decode()
    approvals = text(client.get("/approvals/"))
    assert '<td>环评</td><td class="num">1</td><td class="num">19.0</td>' in approvals
    detail = text(client.get(f"/projects/{project.code}/"))
    assert "19天" in detail


def test_api_lists_and_details_follow_the_access_rule(units, owner, outsider, bureau, event):
    project = make_project(
        unit=units.changle,
        name="东南大数据产业园",
        actor=owner,
        amount="1030000",
        entered_on=dt.date(2016, 10, 1),
    )
    from zhaoshang.fieldwork.services import event_sign

    event_sign(event=event, project=project, sign_kind="contract", actor=owner)
    mine = api(owner)
    events = mine.get("/api/v1/events").json()
    assert events["count"] == 1
    detail = mine.get(f"/api/v1/events/{event.pk}?as_of=2017-12-31").json()
    assert (detail["signed_count"], detail["signed_amount_wan"]) == (1, "1030000")
    assert detail["signings"][0]["project"] == project.code
    assert detail["fulfilment"]["landed"] == 0
    created = mine.post(
        "/api/v1/contacts",
        {
            "company_name": "东华软件股份公司",
            "contacted_on": "2017-03-07",
            "outcome": "拜访东华软件总部",
            "project_codes": project.code,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["projects"] == [project.code]
    bad = mine.post(
        "/api/v1/contacts",
        {"company_name": "东华软件", "outcome": "", "contacted_on": "2099-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "contacted_on" in bad.json()["errors"]
    theirs = api(outsider)
    assert theirs.get(f"/api/v1/events/{event.pk}").status_code == 404
    assert theirs.get("/api/v1/contacts").json()["count"] == 0
    for route in (
        "/api/v1/teams",
        "/api/v1/trips",
        "/api/v1/service-requests",
        "/api/v1/approvals",
    ):
        assert mine.get(route).status_code == 200, route
    request = request_save(
        data={
            "unit": units.changle,
            "company": project.investor or CompanyFactory(),
            "category": RequestCategory.objects.get(name="融资", owner=None),
            "title": "贷款贴息",
            "department": bureau,
            "received_on": dt.date(2017, 3, 1),
            "due_on": dt.date(2017, 3, 10),
        },
        actor=owner,
    )
    clerk = api(UserFactory(username="ziyuan", unit=bureau, role="department"))
    listed = clerk.get("/api/v1/service-requests?overdue=true").json()
    assert [r["id"] for r in listed["items"]] == [request.pk]
    assert listed["items"][0]["days_overdue"] > 0
    assert clerk.get(f"/api/v1/events/{event.pk}").status_code == 404
    assert Decimal(detail["signed_amount_wan"]) == Decimal("1030000")
    assert Event.objects.count() == 1
