"""Every API route as the owner (长乐 officer), a user of another unit (福清 officer),
a leader (reads, write → 403) and without a token (401)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from zhaoshang.cli import main
from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.org.services import token_create, token_revoke
from zhaoshang.projects.models import FxRate, Project, StageEntry


def api(user=None, raw=None):
    token = raw or (token_create(user=user)[1] if user else None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client(**headers)
    return client


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def patch(client, url, payload):
    return client.patch(url, payload, content_type="application/json")


@pytest.fixture
def project(units, owner):
    p = make_project(
        unit=units.changle,
        name="神州优车数字经济产业园项目",
        amount="300000",
        entered_on=dt.date(2017, 1, 27),
        actor=owner,
        investor=CompanyFactory(name="神州优车(福建)有限公司"),
    )
    return p


def test_list_is_paginated_filtered_and_scoped(units, owner, outsider, project):
    make_project(unit=units.fuqing, name="福清不锈钢项目", entered_on=dt.date(2017, 2, 1))
    body = api(owner).get("/api/v1/projects?limit=10").json()
    assert body["count"] == 1 and body["items"][0]["code"] == project.code
    assert body["items"][0]["total_investment"] == "300000"
    assert api(owner).get("/api/v1/projects?q=神州优车").json()["count"] == 1
    assert api(owner).get("/api/v1/projects?stage=signed").json()["count"] == 0
    assert api(outsider).get("/api/v1/projects").json()["count"] == 1  # only 福清's


def test_bad_filter_is_422_in_chinese(owner, project):
    response = api(owner).get("/api/v1/projects?entered_from=2017年1月")
    assert response.status_code == 422 and "entered_from" in response.json()["errors"]


def test_detail_for_owner_404_for_outsider_401_without_token(owner, outsider, project):
    body = api(owner).get(f"/api/v1/projects/{project.code}").json()
    assert body["code"] == project.code and body["investor"]["name"] == "神州优车(福建)有限公司"
    assert body["stage_entries"][0]["stage"] == "lead"
    assert api(outsider).get(f"/api/v1/projects/{project.code}").status_code == 404
    assert Client().get(f"/api/v1/projects/{project.code}").status_code == 401
    assert api(raw="zs_not-a-token").get("/api/v1/projects").status_code == 401


def test_a_revoked_token_no_longer_works(owner, project):
    token, raw = token_create(user=owner)
    assert api(raw=raw).get("/api/v1/projects").status_code == 200
    token_revoke(token=token)
    assert api(raw=raw).get("/api/v1/projects").status_code == 401


def test_create_update_move_and_arrival(units, owner):
    client = api(owner)
    created = post(
        client,
        "/api/v1/projects",
        {
            "name": "国信优易大数据交易平台项目",
            "unit": "350112",
            "total_investment": "50000.5",
            "investor_name": "国信优易数据有限公司",
            "effective_on": "2022-01-05",
        },
    )
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert code.startswith("FZ-2022-") and created.json()["total_investment"] == "50000.5"
    updated = patch(client, f"/api/v1/projects/{code}", {"total_investment": "60000"})
    assert updated.status_code == 200 and updated.json()["total_investment"] == "60000"
    assert updated.json()["name"] == "国信优易大数据交易平台项目"  # untouched fields stay
    moved = post(
        client,
        f"/api/v1/projects/{code}/stages",
        {"stage": "signed", "sign_kind": "contract", "effective_on": "2022-01-27"},
    )
    assert moved.status_code == 201 and moved.json()["stage"] == "signed"
    FxRate.objects.create(month=dt.date(2022, 3, 1), cny_per_usd=Decimal("6.3"))
    arrival = post(
        client,
        f"/api/v1/projects/{code}/arrivals",
        {"amount": "1200.25", "currency": "USD", "is_foreign": True, "arrived_on": "2022-03-01"},
    )
    assert arrival.status_code == 201 and arrival.json()["amount"] == "1200.25"
    assert Project.objects.get(code=code).stage == "signed"


def test_bad_input_is_422_per_field_and_writes_nothing(owner, project):
    before = StageEntry.objects.count()
    response = post(
        api(owner),
        f"/api/v1/projects/{project.code}/stages",
        {"stage": "landed", "effective_on": "2099-01-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["effective_on"] == ["生效日期不能晚于今天"]
    bad = post(
        api(owner), "/api/v1/projects", {"name": "", "unit": "350112", "total_investment": "-1"}
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) >= {"name", "total_investment", "effective_on"}
    assert StageEntry.objects.count() == before


def test_outsider_cannot_write_another_units_project(outsider, project):
    client = api(outsider)
    assert patch(client, f"/api/v1/projects/{project.code}", {"name": "x"}).status_code == 404
    assert (
        post(
            client,
            f"/api/v1/projects/{project.code}/stages",
            {"stage": "signed", "effective_on": "2022-01-01"},
        ).status_code
        == 404
    )
    assert (
        post(
            client,
            f"/api/v1/projects/{project.code}/arrivals",
            {"amount": "1", "arrived_on": "2022-01-01"},
        ).status_code
        == 404
    )
    refused = post(
        client, "/api/v1/projects", {"name": "越权", "unit": "350112", "effective_on": "2022-01-01"}
    )
    assert refused.status_code == 422 and "unit" in refused.json()["errors"]


def test_leader_reads_but_writes_are_403(teammate, project):
    client = api(teammate)
    assert client.get(f"/api/v1/projects/{project.code}").status_code == 200
    assert patch(client, f"/api/v1/projects/{project.code}", {"name": "x"}).status_code == 403
    assert (
        post(
            client,
            f"/api/v1/projects/{project.code}/stages",
            {"stage": "signed", "effective_on": "2022-01-01"},
        ).status_code
        == 403
    )
    assert (
        post(
            client,
            f"/api/v1/projects/{project.code}/arrivals",
            {"amount": "1", "arrived_on": "2022-01-01"},
        ).status_code
        == 403
    )
    assert (
        post(
            client,
            "/api/v1/projects",
            {"name": "x", "unit": "350112", "effective_on": "2022-01-01"},
        ).status_code
        == 403
    )


def test_companies_and_units(owner, outsider, project):
    companies = api(owner).get("/api/v1/companies?q=神州").json()
    assert companies["count"] == 1
    company_id = companies["items"][0]["id"]
    assert (
        api(owner).get(f"/api/v1/companies/{company_id}").json()["projects"][0]["code"]
        == project.code
    )
    assert api(outsider).get(f"/api/v1/companies/{company_id}").json()["projects"] == []
    assert api(owner).get("/api/v1/companies/999999").status_code == 404
    units = api(owner).get("/api/v1/units?limit=100").json()
    assert {u["code"] for u in units["items"]} == {"350112"}
    assert Client().get("/api/v1/units").status_code == 401


def test_figures_are_scoped(owner, outsider, project):
    body = api(owner).get("/api/v1/figures/snapshot?as_of=2017-07-31").json()
    assert body["total"] == {"count": 1, "amount_wan": "300000"}
    assert (
        api(outsider).get("/api/v1/figures/snapshot?as_of=2017-07-31").json()["total"]["count"] == 0
    )
    assert (
        api(outsider).get("/api/v1/figures/snapshot?as_of=2017-07-31&unit=350112").status_code
        == 404
    )
    flows = (
        api(owner).get("/api/v1/figures/flows?start=2017-01-01&end=2017-12-31&unit=350112").json()
    )
    assert flows["flows"]["signed"]["count"] == 0 and flows["capital"]["arrived_cny_wan"] == "0"
    assert Client().get("/api/v1/figures/snapshot?as_of=2017-07-31").status_code == 401


def test_schema_and_docs_are_served_without_outside_assets(owner):
    client = Client()
    client.force_login(owner)
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/projects/{code}" in schema.json()["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower() and "https://" not in docs


def test_schema_and_docs_need_sign_in_or_a_token(owner):
    anonymous = Client()
    assert anonymous.get("/api/v1/openapi.json").status_code == 401
    docs = anonymous.get("/api/v1/docs")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    assert api(owner).get("/api/v1/openapi.json").status_code == 200
    bad = Client(HTTP_AUTHORIZATION="Bearer zs_not-a-token")
    assert bad.get("/api/v1/openapi.json").status_code == 401


def test_token_create_prints_the_token_last(owner, capsys):
    assert main(["token", "create", "--username", owner.username]) == 0
    raw = capsys.readouterr().out.split()[-1]
    assert api(raw=raw).get("/api/v1/projects").status_code == 200


ROUTES = [
    ("get", "/api/v1/projects", None),
    ("get", "/api/v1/projects/{code}", None),
    (
        "post",
        "/api/v1/projects",
        {"name": "领导不能登记", "unit": "350112", "effective_on": "2022-01-01"},
    ),
    ("patch", "/api/v1/projects/{code}", {"name": "领导不能修改"}),
    ("post", "/api/v1/projects/{code}/stages", {"stage": "signed", "effective_on": "2022-01-01"}),
    ("post", "/api/v1/projects/{code}/arrivals", {"amount": "1", "arrived_on": "2022-01-01"}),
    ("get", "/api/v1/companies", None),
    ("get", "/api/v1/companies/{company}", None),
    ("get", "/api/v1/units", None),
    ("get", "/api/v1/figures/snapshot?as_of=2017-07-31", None),
    ("get", "/api/v1/figures/flows?start=2017-01-01&end=2017-12-31", None),
]


def call(client, method, url, payload):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, payload, content_type="application/json")


@pytest.mark.parametrize(("method", "route", "payload"), ROUTES)
def test_every_route_needs_a_token_and_leaders_only_read(method, route, payload, teammate, project):
    url = route.format(code=project.code, company=project.investor_id)
    assert call(Client(), method, url, payload).status_code == 401
    response = call(api(teammate), method, url, payload)
    assert response.status_code == (200 if method == "get" else 403), response.content
