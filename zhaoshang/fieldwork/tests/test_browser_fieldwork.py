"""Field work in a real browser (Debian's chromium): a visit logged from a phone, an event
with three signings whose projects move to 签约, and an overdue request taken to 督办."""

import datetime as dt

from django.utils import timezone

from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.fieldwork.models import Contact
from zhaoshang.org.services import unit_add
from zhaoshang.service.models import RequestCategory
from zhaoshang.service.services import request_save
from zhaoshang.web.tests.browsing import BROWSER_MARKS, Session

pytestmark = BROWSER_MARKS


def test_a_visit_is_logged_from_a_phone_with_three_fields(browser, live_server, owner, units):
    CompanyFactory(name="神州优车(福建)有限公司")
    s = Session(browser, live_server, "phone")
    s.sign_in(owner.username)
    page = s.go("/contacts/new/")
    assert page.locator("#id_contacted_on").input_value() == timezone.localdate().isoformat()
    assert not page.locator("#id_project_codes").is_visible()  # the rest waits under 更多
    page.locator("#id_company_name").fill("神州优车")
    page.locator("#company-options option").first.wait_for(state="attached")
    page.locator("#id_outcome").fill("拜访神州优车,对方确认在长乐设立区域总部")
    s.shot("contact-form")
    save = page.get_by_role("button", name="保存")
    box = save.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # no sideways scrolling
    save.click()
    page.wait_for_load_state()
    assert "已登记:神州优车(福建)有限公司" in page.locator(".alert-success").inner_text()
    contact = Contact.objects.get()
    assert (contact.company.name, contact.contacted_on, contact.kind) == (
        "神州优车(福建)有限公司",
        timezone.localdate(),
        "visit",
    )
    assert s.outside_requests() == []
    s.close()


def test_an_event_with_three_signings_moves_them_to_signed(browser, live_server, owner, units):
    projects = [
        make_project(unit=units.changle, name=name, amount=amount, actor=owner,
                     entered_on=dt.date(2016, 11, 1))
        for name, amount in (("中国东方航空福州基地", "1030000"), ("东南大数据产业园", "800000"),
                             ("滨海新城综合体", "550000"))
    ]  # fmt: skip
    s = Session(browser, live_server, "desktop")
    s.sign_in(owner.username)
    page = s.go("/events/new/")
    page.locator("#id_name").fill("长乐区企业家大会")
    page.locator("#id_kind").select_option("entrepreneurs")
    page.locator("#id_held_on").fill("2017-02-05")
    page.locator("#id_place").fill("长乐区行政服务中心")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "尚未登记签约项目" in page.locator("#event-totals").inner_text()
    for project, amount in zip(projects, ["103亿元", "80亿元", ""], strict=True):
        page.locator("#id_project_code").fill(project.code)
        page.locator("#id_sign_kind").select_option("contract")
        page.locator("#id_amount").fill(amount)
        page.get_by_role("button", name="添加并登记签约").click()
        page.wait_for_load_state()
    assert page.locator("#event-totals").inner_text() == "合计3个项目,总投资额238.00亿元。"
    assert page.locator("#roster tbody tr").count() == 3
    assert page.locator("#landed").inner_text() == "0个(0.0%)"  # a zero rate is shown, not hidden
    s.shot("event-roster")
    page.locator("#roster a", has_text=projects[0].code).click()
    page.wait_for_load_state()
    assert page.locator("#stage-badge").inner_text() == "签约"
    assert "2017-02-05" in page.locator("#timeline").inner_text()
    assert s.outside_requests() == []
    s.close()


def test_an_overdue_request_goes_to_supervision(browser, live_server, owner, units):
    bureau = unit_add(parent=units.fuzhou, name="市资源规划局", kind="department")
    today = timezone.localdate()
    request_save(data={
        "unit": units.changle, "company": CompanyFactory(name="福建东南大数据有限公司"),
        "category": RequestCategory.objects.get(name="用地", owner=None),
        "title": "二期用地指标协调", "department": bureau,
        "received_on": today - dt.timedelta(days=30), "due_on": today - dt.timedelta(days=9),
    }, actor=owner)  # fmt: skip
    s = Session(browser, live_server, "desktop")
    s.sign_in(owner.username)
    page = s.go("/requests/overdue/")
    row = page.locator("#overdue tbody tr", has_text="二期用地指标协调")
    assert row.locator("td.num").inner_text() == "9"
    row.get_by_role("button", name="提请福州市督办").click()
    page.wait_for_load_state()
    assert page.locator("#escalated").inner_text() == "福州市督办"
    assert page.locator("#overdue").inner_text() == "逾期9天"
    assert s.outside_requests() == []
    s.close()
