"""Who may merge companies: only a user who may write everything the merge would move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhaoshang.companies.services import company_merge
from zhaoshang.factories import CompanyFactory, UserFactory, make_project
from zhaoshang.fieldwork.models import Contact
from zhaoshang.web.tests.checksum import changed, checksum


@pytest.fixture
def pair(units):
    """A 长乐 officer's company, and its duplicate with a 福清 project and a 福清 visit."""
    keep = CompanyFactory(name="福建神州优车科技有限公司")
    dup = CompanyFactory(name="神州优车(福建)有限公司")
    fuqing_project = make_project(unit=units.fuqing, name="福清神州优车项目", investor=dup)
    Contact.objects.create(unit=units.fuqing, company=dup, contacted_on=dt.date(2022, 1, 27),
                           outcome="洽谈顺利")  # fmt: skip
    return keep, dup, fuqing_project


def test_an_officer_cannot_move_another_units_projects_by_merging(client, owner, pair):
    keep, dup, _ = pair
    client.force_login(owner)
    before = checksum()
    response = client.post(f"/companies/{keep.pk}/merge/", {"duplicate": dup.pk}, follow=True)
    html = response.content.decode()
    assert "无法合并" in html and "1个项目" in html and "1条对接记录" in html
    assert "福清神州优车项目" not in html
    assert changed(before, checksum()) == []


def test_a_city_admin_of_another_city_cannot_merge(units, pair):
    xiamen_admin = UserFactory(username="xiamen_admin", unit=units.xiamen, role="city_admin")
    keep, dup, _ = pair
    before = checksum()
    with pytest.raises(PermissionDenied):
        company_merge(keep=keep, duplicate=dup, actor=xiamen_admin)
    assert changed(before, checksum()) == []


def test_the_city_admin_merges_and_each_moved_project_keeps_a_history_row(city_admin, pair):
    keep, dup, project = pair
    company_merge(keep=keep, duplicate=dup, actor=city_admin)
    project.refresh_from_db()
    assert project.investor == keep
    row = project.history.order_by("-history_date").first()
    assert row.investor_id == keep.pk and row.history_user == city_admin
    assert row.history_change_reason == f"企业合并:“{dup.name}”并入“{keep.name}”"
    contact = Contact.objects.get()
    assert contact.company == keep
    assert contact.history.order_by("-history_date").first().history_user == city_admin


def test_every_model_pointing_at_companies_has_a_merge_rule(db):
    """A new reference to Company must say who may move it (org/access.py); until then a
    merge naming one is refused to all but the operator."""
    from zhaoshang.companies.services import _foreign_keys_to_company
    from zhaoshang.org.access import company_reference_write_q

    labels = {fk.model._meta.label_lower for fk in _foreign_keys_to_company()}
    assert {"projects.project", "fieldwork.contact", "service.servicerequest"} <= labels
    assert [label for label in labels if company_reference_write_q(None, label) is None] == []
