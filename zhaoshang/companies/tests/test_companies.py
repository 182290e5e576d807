import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhaoshang.companies.models import Company, CompanyContact, CompanyTag
from zhaoshang.companies.services import (
    company_create,
    company_duplicate_candidates,
    company_get_or_create,
    company_merge,
)
from zhaoshang.factories import make_project
from zhaoshang.lib.uscc import check_character

CODE = "91350100MA2XN0JB1" + check_character("91350100MA2XN0JB1")


def test_an_invalid_credit_code_is_refused_and_nothing_written(db):
    with pytest.raises(ValidationError) as err:
        company_create(
            name="神州优车(福建)有限公司",
            credit_code="91350100MA2XN0JB1" + "0" if CODE[-1] != "0" else "91350100MA2XN0JB11",
            actor=None,
        )
    assert "统一社会信用代码" in err.value.message_dict["credit_code"][0]
    assert "校验位不正确" in err.value.message_dict["credit_code"][0]
    assert not Company.objects.exists()


def test_foreign_origin_needs_a_country(db):
    with pytest.raises(ValidationError) as err:
        company_create(name="正大集团", origin="foreign", actor=None)
    assert err.value.message_dict["origin_country"] == ["港澳台或外国企业须填写国家或地区"]
    company = company_create(name="正大集团", origin="foreign", origin_country="泰国", actor=None)
    assert company.is_foreign_funded


def test_the_same_company_typed_two_ways_is_found_as_one(db):
    first = company_create(name="神州优车(福建)有限公司", actor=None)
    found, created = company_get_or_create(name="神州优车", actor=None)
    assert (found, created) == (first, False)
    other, created = company_get_or_create(name="国信优易数据有限公司", actor=None)
    assert created and other != first


def test_merge_moves_projects_contacts_tags_and_the_credit_code(units, city_admin):
    keep = company_create(name="神州优车", actor=None)
    dup = Company.objects.create(
        name="神州优车(福建)有限公司", normalized_name="x", credit_code=CODE
    )
    tag = CompanyTag.objects.get(name="独角兽")
    dup.tags.add(tag)
    CompanyContact.objects.create(company=dup, name="陆正耀", title="董事长")
    project = make_project(
        unit=units.changle, name="神州优车项目", investor=dup, entered_on=dt.date(2017, 1, 1)
    )
    company_merge(keep=keep, duplicate=dup, actor=city_admin)
    project.refresh_from_db()
    dup.refresh_from_db()
    keep.refresh_from_db()
    assert project.investor == keep
    assert keep.contacts.get().name == "陆正耀"
    assert tag in keep.tags.all()
    assert (keep.credit_code, dup.credit_code, dup.merged_into) == (CODE, None, keep)
    assert keep not in Company.objects.filter(merged_into__isnull=False)
    assert keep.history.first().history_change_reason.startswith("合并自")
    assert dup not in Company.objects.active()


def test_merging_two_different_credit_codes_is_refused(db):
    other_body = "91350100MA2XN0JC1"
    a = company_create(name="甲公司", credit_code=CODE, actor=None)
    b = company_create(
        name="甲公司(福建)", credit_code=other_body + check_character(other_body), actor=None
    )
    with pytest.raises(ValidationError, match="不是同一家企业"):
        company_merge(keep=a, duplicate=b, actor=None)
    b.refresh_from_db()
    assert b.merged_into is None


def test_duplicates_are_suggested(db):
    a = company_create(name="京东方科技集团股份有限公司", actor=None)
    b = company_create(name="京东方科技集团", actor=None)
    assert list(company_duplicate_candidates(company=a)) == [b]
