"""Editing a project loses nothing: the page opens with every stored value, a save writes
only what its user changed, a stale save over another user's change is a conflict that
shows both values, and the API carries the version (ETag / If-Match) the same way."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from zhaoshang.factories import CompanyFactory, UserFactory, make_project
from zhaoshang.org.models import Unit
from zhaoshang.org.services import token_create
from zhaoshang.projects import history
from zhaoshang.projects.models import Channel, IndustryChain, Project, ProjectKind, ProjectTag
from zhaoshang.projects.services import project_update
from zhaoshang.web.tests.formdata import form_data

DAY = dt.date(2022, 1, 27)


@pytest.fixture
def filled(units: Any, owner: Any) -> Project:
    return make_filled_project(units, owner)


def make_filled_project(units: Any, owner: Any) -> Project:
    """A 长乐 project with every field set, the park and landing region 滨海新城 included."""
    park = Unit.objects.create(
        code="350112P02",
        name="滨海新城",
        kind="park",
        parent=units.changle,
        path=f"{units.changle.path}P02/",
    )
    department = Unit.objects.create(
        code="350112D01",
        name="长乐区商务局",
        kind="department",
        parent=units.changle,
        path=f"{units.changle.path}D01/",
    )
    return make_project(
        unit=units.changle,
        name="长乐东南大数据中心项目",
        amount="300000",
        entered_on=DAY,
        actor=owner,
        region=park,
        park=park,
        responsible_unit=department,
        investor=CompanyFactory(name="神州优车(福建)有限公司"),
        chain=IndustryChain.objects.get_or_create(name="数字经济")[0],
        kind=ProjectKind.objects.get_or_create(name="新设")[0],
        channel=Channel.objects.get_or_create(name="以商招商")[0],
        tags=[ProjectTag.objects.get_or_create(name="数字经济")[0]],
        introducer="林先生",
        is_provincial_key=True,
        contracted_foreign=Decimal("1200.5"),
        description="约3亿元,建设数据中心。",
    )


def _page(client: Client, project: Project) -> dict[str, list[str]]:
    url = f"/projects/{project.code}/edit/"
    return form_data(client.get(url).content.decode(), url)[0]


def _post(client: Client, project: Project, data: dict[str, list[str]], **changes: str) -> Any:
    return client.post(
        f"/projects/{project.code}/edit/", {**data, **{k: [v] for k, v in changes.items()}}
    )


def _row(project: Project) -> dict[str, Any]:
    return Project.objects.filter(pk=project.pk).values()[0]


def test_edit_page_opens_with_every_unit_selected(
    client: Client, owner: Any, filled: Project
) -> None:
    client.force_login(owner)
    data = _page(client, filled)
    assert data["unit"] == ["350112"]
    assert data["region"] == ["350112P02"] and data["park"] == ["350112P02"]
    assert data["responsible_unit"] == ["350112D01"]


def test_changing_only_the_total_changes_only_the_total(
    client: Client, owner: Any, filled: Project
) -> None:
    client.force_login(owner)
    before, rows = _row(filled), filled.history.count()
    response = _post(client, filled, _page(client, filled), total_investment="320000")
    assert response.status_code == 302
    after = _row(filled)
    changed = {k for k in before if before[k] != after[k]} - {"updated_at"}
    assert changed == {"total_investment", "version"}
    assert after["total_investment"] == Decimal("320000") and after["region_id"] is not None
    assert filled.history.count() == rows + 1
    latest = [
        c for c in history.project_changes(filled) if c.when == filled.history.latest().history_date
    ]
    assert [(c.field, c.before, c.after) for c in latest] == [("总投资(万元)", "300000", "320000")]


def test_two_pages_saving_different_fields_both_keep_their_change(
    client: Client, owner: Any, filled: Project, units: Any
) -> None:
    other = Client()
    other.force_login(UserFactory(username="changle_officer2", unit=units.changle, role="officer"))
    client.force_login(owner)
    mine, theirs = _page(client, filled), _page(other, filled)
    assert _post(other, filled, theirs, introducer="王女士").status_code == 302
    assert _post(client, filled, mine, total_investment="320000").status_code == 302
    stored = Project.objects.get(pk=filled.pk)
    assert stored.introducer == "王女士" and stored.total_investment == Decimal("320000")
    assert stored.region.code == "350112P02"


def test_a_stale_save_of_the_same_field_is_a_conflict_showing_both_values(
    client: Client, owner: Any, filled: Project, units: Any
) -> None:
    other = Client()
    other.force_login(UserFactory(username="changle_officer2", unit=units.changle, role="officer"))
    client.force_login(owner)
    mine, theirs = _page(client, filled), _page(other, filled)
    assert _post(other, filled, theirs, total_investment="310000").status_code == 302
    before, rows = _row(filled), filled.history.count()
    response = _post(client, filled, mine, total_investment="320000", introducer="张先生")
    assert response.status_code == 200
    html = response.content.decode()
    assert "您的值" in html and "他人已保存的值" in html
    assert "320000" in html and "310000.0000" in html and "总投资(万元)" in html
    assert _row(filled) == before and filled.history.count() == rows  # nothing written
    again = form_data(html, f"/projects/{filled.code}/edit/")[0]
    assert again["total_investment"] == ["320000"] and again["introducer"] == ["张先生"]
    assert _post(client, filled, again).status_code == 302  # saved again: the user's values
    stored = Project.objects.get(pk=filled.pk)
    assert stored.total_investment == Decimal("320000") and stored.introducer == "张先生"


def test_changing_the_sponsors_writes_a_history_row(
    units: Any, owner: Any, filled: Project
) -> None:
    leader = UserFactory(
        username="changle_lead", display_name="陈副区长", unit=units.changle, role="leader"
    )
    rows = filled.history.count()
    project_update(project=filled, actor=owner, sponsors=[leader])
    assert filled.history.count() == rows + 1
    latest = filled.history.latest()
    assert latest.history_user == owner
    change = history.project_changes(filled)[0]
    assert (change.field, change.before, change.who) == ("包挂领导", "—", str(owner))
    assert "changle_lead" in change.after or "陈副区长" in change.after
    project_update(project=filled, actor=owner, sponsors=[leader])  # the same set: no row
    assert filled.history.count() == rows + 1


# ── the API ─────────────────────────────────────────────────────────────────────────


def _api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)[1]}")


def test_api_detail_carries_the_version_as_etag(owner: Any, filled: Project) -> None:
    response = _api(owner).get(f"/api/v1/projects/{filled.code}")
    assert (
        response["ETag"] == f'"{filled.version}"' and response.json()["version"] == filled.version
    )


@pytest.mark.parametrize(("how", "status"), [("if_match", 412), ("body", 409)])
def test_api_stale_write_is_refused_with_both_values(
    owner: Any, filled: Project, how: str, status: int
) -> None:
    client = _api(owner)
    url = f"/api/v1/projects/{filled.code}"
    read = client.get(url)["ETag"]
    assert (
        client.patch(
            url, {"total_investment": "310000"}, content_type="application/json", HTTP_IF_MATCH=read
        ).status_code
        == 200
    )
    before, rows = _row(filled), filled.history.count()
    payload: dict[str, Any] = {"total_investment": "320000"}
    headers = {"HTTP_IF_MATCH": read} if how == "if_match" else {}
    if how == "body":
        payload["version"] = int(read.strip('"'))
    response = client.patch(url, payload, content_type="application/json", **headers)
    assert response.status_code == status
    body = response.json()
    assert body["conflicts"] == [
        {
            "field": "total_investment",
            "label": "总投资(万元)",
            "yours": "320000",
            "theirs": "310000",
        }
    ]
    assert body["version"] == filled.version + 1
    assert _row(filled) == before and filled.history.count() == rows


def test_api_patch_without_version_changes_only_what_it_sends(owner: Any, filled: Project) -> None:
    before = _row(filled)
    response = _api(owner).patch(
        f"/api/v1/projects/{filled.code}", {"introducer": "王女士"}, content_type="application/json"
    )
    assert response.status_code == 200 and response["ETag"] == f'"{filled.version + 1}"'
    after = _row(filled)
    assert {k for k in before if before[k] != after[k]} - {"updated_at"} == {
        "introducer",
        "version",
    }


FIELDS = {
    "introducer": "王女士",
    "total_investment": "320000",
    "contracted_foreign": "1500",
    "description": "约3.2亿元",
    "is_city_key": True,
    "expected_arrival_amount": "5000",
}


def _same(stored: Any, sent: Any) -> bool:
    return stored == (Decimal(sent) if isinstance(stored, Decimal) else sent)


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_of_different_fields_all_survive(units: Any, owner: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: the race needs PostgreSQL's row locks")
    project = make_project(
        unit=units.changle, name="长乐并发修改项目", amount="300000", actor=owner
    )
    tokens = [token_create(user=owner)[1] for _ in FIELDS]
    barrier = threading.Barrier(len(FIELDS))
    statuses: list[int] = []

    def send(token: str, field: str, value: Any) -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait()
            response = client.patch(
                f"/api/v1/projects/{project.code}", {field: value}, content_type="application/json"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    lost = 0
    for _ in range(3):
        Project.objects.filter(pk=project.pk).update(
            introducer="",
            total_investment=Decimal("300000"),
            contracted_foreign=None,
            description="",
            is_city_key=False,
            expected_arrival_amount=None,
        )
        threads = [
            threading.Thread(target=send, args=(t, f, v))
            for t, (f, v) in zip(tokens, FIELDS.items(), strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stored = Project.objects.get(pk=project.pk)
        lost += sum(1 for f, v in FIELDS.items() if not _same(getattr(stored, f), v))
    assert statuses == [200] * len(FIELDS) * 3
    assert lost == 0
