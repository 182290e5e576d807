import pytest
from django.core.exceptions import ValidationError

from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.org.selectors import UnitLookupError, unit_resolve
from zhaoshang.org.services import unit_add, units_load_divisions


def test_current_codes_are_loaded(db):
    assert Unit.objects.get(code="350112").name == "长乐区"
    gulou = Unit.objects.get(code="350102")
    assert (gulou.name, gulou.parent.name, gulou.parent.parent.name) == (
        "鼓楼区",
        "福州市",
        "福建省",
    )
    assert not Unit.objects.filter(code="350182").exists()  # the old 长乐市
    assert Unit.objects.get(code="350181").name == "福清市"


def test_whole_country_down_to_county(db):
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() >= 31
    assert Unit.objects.filter(kind=UnitKind.COUNTY).count() > 2800
    # A county of a municipality hangs from the municipality itself.
    assert Unit.objects.get(code="110101").parent.code == "110000"


def test_loading_again_changes_nothing(db):
    before = Unit.objects.count()
    assert units_load_divisions() == 0
    assert Unit.objects.count() == before


def test_a_subtree_is_the_unit_and_everything_under_it(units):
    subtree = Unit.objects.subtree(units.fuzhou)
    assert units.changle in subtree and units.fuqing in subtree
    assert units.xiamen not in subtree


def test_a_city_adds_parks_and_departments(units):
    park = unit_add(parent=units.changle, name="东南大数据产业园", kind=UnitKind.PARK)
    assert park.path == f"{units.changle.path}{park.code}/"
    assert park in Unit.objects.subtree(units.fuzhou)
    with pytest.raises(ValidationError, match="已有"):
        unit_add(parent=units.changle, name="东南大数据产业园", kind=UnitKind.PARK)
    with pytest.raises(ValidationError):
        unit_add(parent=units.changle, name="某县", kind=UnitKind.COUNTY)


def test_units_are_found_by_code_or_unambiguous_name(units):
    assert unit_resolve("350112") == units.changle
    assert unit_resolve("长乐区") == units.changle
    assert unit_resolve("福州市鼓楼区") == units.gulou
    assert unit_resolve("福州市/鼓楼区") == units.gulou
    assert unit_resolve("鼓楼区", within=units.fuzhou) == units.gulou


def test_an_ambiguous_name_lists_the_candidates(units):
    with pytest.raises(UnitLookupError) as err:
        unit_resolve("鼓楼区")
    assert "福州市鼓楼区(350102)" in str(err.value) and "不唯一" in str(err.value)
    with pytest.raises(UnitLookupError, match="找不到单位“长乐市”"):
        unit_resolve("长乐市")


def test_self_reference_follows_the_level(units):
    assert units.fuzhou.self_reference == "我市"
    assert units.changle.self_reference == "我区"
    assert units.fuqing.self_reference == "我市"
    assert units.minhou.self_reference == "我县"
