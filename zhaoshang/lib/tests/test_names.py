import pytest

from zhaoshang.lib.names import normalize_company_name, normalize_project_name


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("神州优车", "神州优车(福建)有限公司"),
        ("神州优车", "神州优车（福建）有限公司"),
        ("国信优易数据有限公司", "国信优易数据股份有限公司"),
        ("正大集团", "正 大 集 团"),
        ("ＡＢＣ科技有限公司", "abc科技"),
        ("京东方科技集团股份有限公司", "京东方科技集团"),
        ("宁德时代(中国)有限公司", "宁德时代"),
    ],
)
def test_the_same_company_written_two_ways_matches(a, b):
    assert normalize_company_name(a) == normalize_company_name(b)


def test_different_companies_stay_apart():
    assert normalize_company_name("东华软件") != normalize_company_name("东华软件(北京研究院)")
    assert normalize_company_name("福州有限公司") != ""


def test_project_names_fold_width_and_punctuation():
    assert normalize_project_name("“360”数字经济产业园") == normalize_project_name(
        "360 数字经济产业园"
    )
