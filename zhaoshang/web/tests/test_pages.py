"""Pages as a user meets them (Django's test client); the browser tests drive the same
pages in chromium."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission

from zhaoshang.factories import PASSWORD, CompanyFactory, UserFactory, make_project
from zhaoshang.projects.models import FxRate, Project, StageEntry
from zhaoshang.projects.services import capital_arrival_record, project_move_to_stage


@pytest.fixture
def two_districts(units):
    a = make_project(
        unit=units.changle,
        name="长乐数据中心项目",
        amount="12345.6",
        entered_on=dt.date(2020, 1, 1),
    )
    project_move_to_stage(project=a, stage="signed", effective_on=dt.date(2022, 1, 27), actor=None)
    b = make_project(
        unit=units.changle,
        name="长乐滨海新城项目",
        amount="30000",
        entered_on=dt.date(2021, 3, 1),
        investor=CompanyFactory(name="神州优车(福建)有限公司"),
    )
    project_move_to_stage(project=b, stage="landed", effective_on=dt.date(2022, 5, 18), actor=None)
    make_project(
        unit=units.fuqing, name="福清不锈钢项目", amount="50000", entered_on=dt.date(2020, 1, 1)
    )
    return a, b


def signed_in(client, user):
    client.force_login(user)
    return client


def test_pages_need_sign_in(client, db):
    for url in ["/", "/projects/", "/kanban/", "/companies/", "/account/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_health_check_and_sign_in_page_are_open(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert "登录招商项目管理系统" in client.get("/accounts/login/").content.decode()


def test_wrong_password_is_refused_in_chinese(client, owner):
    html = client.post(
        "/accounts/login/", {"username": owner.username, "password": "x"}
    ).content.decode()
    assert "请输入一个正确的" in html


def test_every_dashboard_figure_opens_the_projects_behind_it(client, owner, two_districts):
    signed_in(client, owner)
    html = client.get("/?period=year&year=2022").content.decode()
    assert "长乐区 · 2022年" in html
    cards = re.findall(
        r'href="(/projects/\?[^"]+)"[^>]*data-figure="(\w+)".*?class="value"[^>]*>([^<]+)<',
        html,
        re.S,
    )
    assert len(cards) == 10
    for url, kind, value in cards:
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        total = re.search(r'id="totals">共 <strong>(\d+)</strong>', listed).group(1)
        if kind in ("bucket", "flow"):
            assert total == value.strip(), (url, value)
    assert "福清不锈钢项目" not in html


def test_dashboard_numbers(client, owner, two_districts):
    signed_in(client, owner)
    html = client.get("/?period=year&year=2022").content.decode()
    # Snapshot at the end of 2022 (today is later): 2 projects, 4.23亿元 (a sum); flows in 2022.
    assert "4.23亿元" in html
    flows = re.findall(r'期间(\S+)项目</div><div class="value">(\d+)', html)
    assert dict(flows) == {"签约": "2", "落地": "1", "开工": "0", "投产": "0"}


def test_dashboard_of_an_outside_unit_is_404(client, owner, two_districts):
    signed_in(client, owner)
    assert client.get("/?unit=350181").status_code == 404


def test_project_list_filters_and_totals(client, owner, two_districts):
    signed_in(client, owner)
    html = client.get("/projects/?q=神州优车").content.decode()
    assert "长乐滨海新城项目" in html and "长乐数据中心项目" not in html
    assert 'id="totals">共 <strong>1</strong> 个项目,总投资 <strong>3.00亿元</strong>' in html
    html = client.get("/projects/?stage=signed").content.decode()
    assert "长乐数据中心项目" in html and "长乐滨海新城项目" not in html


def test_export_is_exactly_the_filtered_set(client, owner, two_districts):
    signed_in(client, owner)
    response = client.get("/projects/?stage=landed&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "招商项目清单" and sheet["A3"].value == "单位:万元、万美元"
    header = [c.value for c in sheet[6]]
    rows = [r for r in sheet.iter_rows(min_row=7, values_only=True) if r[0]]
    assert [r[1] for r in rows] == ["长乐滨海新城项目"]
    assert rows[0][header.index("总投资(万元)")] == 30000


def test_detail_shows_timeline_arrivals_and_changes(client, owner, two_districts):
    _, landed = two_districts
    FxRate.objects.create(month=dt.date(2022, 6, 1), cny_per_usd=Decimal("6.7"))
    capital_arrival_record(
        project=landed, amount=Decimal("1200.25"), arrived_on=dt.date(2022, 6, 1), actor=owner
    )
    signed_in(client, owner)
    html = client.get(f"/projects/{landed.code}/").content.decode()
    assert "落地" in html and "2022-05-18" in html and "1200.25万元" in html
    response = client.post(
        f"/projects/{landed.code}/edit/",
        {
            "name": landed.name,
            "unit": "350112",
            "total_investment": "35000",
            "investor": landed.investor_id,
        },
    )
    assert response.status_code == 302
    html = client.get(f"/projects/{landed.code}/").content.decode()
    assert re.search(r"总投资\(万元\)</td><td>30000\.0000</td><td>35000\.0000", html) or (
        "30000" in html and "35000" in html and "总投资(万元)" in html
    )


def test_outsider_gets_404_for_the_page(client, outsider, two_districts):
    signed_in(client, outsider)
    code = two_districts[0].code
    for url in [
        f"/projects/{code}/",
        f"/projects/{code}/edit/",
        f"/projects/{code}/stage/",
        f"/projects/{code}/arrivals/new/",
    ]:
        assert client.get(url).status_code == 404


def test_leader_can_read_but_not_change(client, teammate, two_districts):
    signed_in(client, teammate)
    code = two_districts[0].code
    assert client.get(f"/projects/{code}/").status_code == 200
    assert client.get(f"/projects/{code}/edit/").status_code == 404
    assert client.get("/projects/new/").status_code == 403


def test_create_form_shows_chinese_errors_next_to_fields(client, owner):
    signed_in(client, owner)
    before = Project.objects.count()
    html = client.post(
        "/projects/new/",
        {"name": "", "unit": "350112", "total_investment": "-5", "effective_on": "2099-01-01"},
    ).content.decode()
    assert (
        "这个字段是必填项" in html and "金额不能为负数" in html and "入库日期不能晚于今天" in html
    )
    assert Project.objects.count() == before
    response = client.post(
        "/projects/new/",
        {
            "name": "国信优易大数据项目",
            "unit": "350112",
            "total_investment": "50000",
            "effective_on": "2022-01-05",
            "investor_name": "国信优易数据有限公司",
        },
    )
    project = Project.objects.get(name="国信优易大数据项目")
    assert response["Location"] == f"/projects/{project.code}/"
    assert project.investor.name == "国信优易数据有限公司"


def test_stage_move_page_asks_to_confirm_out_of_order_dates(client, owner, two_districts):
    signed = two_districts[0]
    signed_in(client, owner)
    url = f"/projects/{signed.code}/stage/"
    html = client.post(url, {"stage": "landed", "effective_on": "2022-01-01"}).content.decode()
    assert "日期顺序异常" in html
    assert (
        client.post(
            url, {"stage": "landed", "effective_on": "2022-01-01", "confirm_out_of_order": "on"}
        ).status_code
        == 302
    )
    assert StageEntry.objects.filter(project=signed, out_of_order=True).exists()


def test_kanban_totals_cover_the_whole_filtered_set(client, owner, two_districts):
    signed_in(client, owner)
    html = client.get("/kanban/").content.decode()
    assert re.search(r'data-stage="signed".*?<span data-count>1</span>个 · 1.23亿元', html, re.S)
    response = client.post(
        "/kanban/move/",
        {"code": two_districts[0].code, "stage": "landed", "effective_on": "2022-06-30"},
    )
    assert response.json()["stage"] == "landed"
    bad = client.post(
        "/kanban/move/",
        {"code": two_districts[0].code, "stage": "operating", "effective_on": "2099-01-01"},
    )
    assert bad.status_code == 422 and "生效日期不能晚于今天" in bad.json()["errors"]["effective_on"]


def test_companies_and_merge(client, owner, two_districts):
    keep = CompanyFactory(name="神州优车")
    signed_in(client, owner)
    html = client.get(f"/companies/{keep.pk}/").content.decode()
    assert "神州优车(福建)有限公司" in html and "合并到本企业" in html
    dup = two_districts[1].investor
    client.post(f"/companies/{keep.pk}/merge/", {"duplicate": dup.pk})
    two_districts[1].refresh_from_db()
    assert two_districts[1].investor == keep


def test_account_page_creates_a_token(client, owner):
    signed_in(client, owner)
    html = client.post("/account/", {"action": "create_token", "name": "报送脚本"}).content.decode()
    token = re.search(r'id="new-token"[^>]*>(zs_[^<]+)<', html).group(1)
    from django.test import Client

    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/projects").status_code == 200


def test_password_change(client, owner):
    signed_in(client, owner)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Changle-2022-new",
            "new_password2": "Changle-2022-new",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Changle-2022-new")


def test_admin_lists_only_the_scope(client, units, two_districts):
    admin = UserFactory(
        username="changle_admin", unit=units.changle, role="city_admin", is_staff=True
    )
    admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_project", "change_project"])
    )
    client.force_login(admin)
    # A city administrator of 长乐 works over 福州市: both districts.
    html = client.get("/admin/projects/project/").content.decode()
    assert "长乐数据中心项目" in html and "福清不锈钢项目" in html
    officer = UserFactory(
        username="changle_staff", unit=units.changle, role="officer", is_staff=True
    )
    officer.user_permissions.add(*Permission.objects.filter(codename="view_project"))
    client.force_login(officer)
    html = client.get("/admin/projects/project/").content.decode()
    assert "长乐数据中心项目" in html and "福清不锈钢项目" not in html


def test_five_wrong_passwords_lock_the_account_from_that_address(client, owner):
    for _ in range(5):
        client.post("/accounts/login/", {"username": owner.username, "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": owner.username, "password": PASSWORD})
    assert locked.status_code == 429 and "已暂时锁定" in locked.content.decode()
    other_address = client.post(
        "/accounts/login/",
        {"username": owner.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_address.status_code == 302  # no global lockout


def test_forms_do_not_list_every_company_or_project(client, owner, two_districts):
    for i in range(30):
        CompanyFactory(name=f"福州第{i}号科技有限公司")
    signed_in(client, owner)
    html = client.get(f"/projects/{two_districts[1].code}/edit/").content.decode()
    assert "福州第7号科技有限公司" not in html
    assert 'value="神州优车(福建)有限公司"' in html  # the current investor, by name
    response = client.post(
        f"/projects/{two_districts[1].code}/edit/",
        {
            "name": "长乐滨海新城项目",
            "unit": "350112",
            "total_investment": "30000",
            "investor": two_districts[1].investor_id,
            "investor_name": "神州优车",
            "parent": two_districts[0].code,
        },
    )
    assert response.status_code == 302
    two_districts[1].refresh_from_db()
    assert two_districts[1].investor.name == "神州优车(福建)有限公司"  # matched, not added
    assert two_districts[1].parent == two_districts[0]


def test_a_department_dashboard_counts_the_projects_it_is_responsible_for(client, units):
    from zhaoshang.org.services import unit_add

    dept = unit_add(parent=units.fuzhou, name="市工信局", kind="department")
    make_project(
        unit=units.changle,
        name="工信局督办项目",
        amount="20000",
        entered_on=dt.date(2020, 1, 1),
        responsible_unit=dept,
    )
    make_project(unit=units.changle, name="别的项目", amount="1", entered_on=dt.date(2020, 1, 1))
    user = UserFactory(username="gxj", unit=dept, role="department")
    signed_in(client, user)
    html = client.get("/?period=year&year=2022").content.decode()
    card = re.search(r'href="([^"]+)"[^>]*data-figure="bucket".*?class="value">(\d+)', html, re.S)
    assert card.group(2) == "1"
    listed = client.get(card.group(1).replace("&amp;", "&")).content.decode()
    assert "工信局督办项目" in listed and "别的项目" not in listed
