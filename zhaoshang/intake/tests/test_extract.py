"""The text extractor on passages of our own in the shapes real briefings have: one test
per trap, then the command, the review page and the books."""

import datetime as dt
import io
import json
from decimal import Decimal

import docx

from zhaoshang.cli import main
from zhaoshang.factories import make_project
from zhaoshang.intake.extract import amounts, extract
from zhaoshang.intake.models import TextCandidate
from zhaoshang.lib.text import clean_text
from zhaoshang.projects.models import Project

SIGNING_NEWS = (
    "榕城区智能装备产业招商推介会签约12个项目　总投资96.4亿元\n"
    "3月18日下午,榕城区“智造之城·湾区同行”招商推介会在深圳南山举行,来自珠三角的120余位企业家"
    "参加活动。推介会上,榕城区与12家企业现场签约,签约项目总投资96.4亿元。\n"
    "其中,总投资28亿元的榕城智能装备共享制造基地二期项目由深圳鸿图智能科技有限公司投资建设,"
    "建成后预计年产工业机器人3万台;佛山瑞祥供应链管理有限公司投资的榕城钢材集采中心项目,"
    "总投资5.5亿元;东莞市恒毅电子有限公司拟投资8亿元至12亿元,在榕城经济开发区建设精密电子产业园。"
    "此外,推介会还签约了深圳云帆跨境电商榕城运营中心、榕城工业设计研究院等8个项目,总投资33.6亿元。\n"
    "据悉,榕城现有装备企业3200余家,产业集群总产值突破1500亿元。"
)


def by_name(result):
    return {p.name: p for p in result.projects}


def test_amounts_with_their_units_qualifiers_and_ranges():
    found = amounts("拟投资约3亿元,另一家企业投资8000万建设车间,东莞企业拟投资10亿元至15亿元")
    assert [(str(m.value), m.unit, m.approx, m.high and str(m.high)) for m in found] == [
        ("3", "亿元", "约", None),
        ("8000", "万元", "", None),
        ("10", "亿元", "", "15"),
    ]
    assert [(str(m.value), m.unit) for m in amounts("总投资约七点六亿元,引进外资1.2亿美元")] == [
        ("7.6", "亿元"),
        ("1.2", "亿美元"),
    ]


def test_numbers_that_are_not_money_are_left_alone():
    text = "用地约420亩,年吞吐30万吨,接待游客50万人次,第十九届海交会,咨询电话059128123456"
    assert amounts(text) == []


def test_kinds_of_amount_are_kept_apart():
    found = amounts(
        "总投资56亿元,年度计划投资12亿元,已完成投资4.1亿元,实现产值2000亿元,注册资本2000万美元"
    )
    assert [m.kind for m in found] == ["total", "plan", "done", "other", "other"]


def test_a_signing_news_item():
    result = extract(SIGNING_NEWS, unit_name="榕城区")
    projects = by_name(result)
    base = projects["榕城智能装备共享制造基地二期项目"]
    assert (base.amount_value, base.amount_unit, base.stage_hint, base.date) == (
        "28",
        "亿元",
        "签约",
        "3月18日",
    )  # the amount before the name ("总投资28亿元的…")
    assert projects["榕城钢材集采中心项目"].amount_value == "5.5"  # the amount after the name
    park = projects["精密电子产业园"]
    assert (park.amount_value, park.amount_value_max, park.place) == ("8", "12", "榕城经济开发区")
    # A group amount belongs to the group, not to its first member.
    assert projects["深圳云帆跨境电商榕城运营中心"].amount_value is None
    assert projects["榕城工业设计研究院"].amount_value is None
    # The venue (深圳南山) is not where the projects are.
    assert base.place == "榕城区"
    aggregates = {(a.count, a.amount_value) for a in result.aggregates}
    assert (12, "96.4") in aggregates and (8, "33.6") in aggregates
    assert sum(1 for a in result.aggregates if (a.count, a.amount_value) == (12, "96.4")) == 1
    assert not any(a.amount_value == "1500" for a in result.aggregates)  # 产值 is not investment
    event = result.events[0]
    assert (event.name, event.date, event.place) == (
        "智造之城·湾区同行",
        "3月18日",
        "深圳南山",
    ) or "推介会" in event.name


def test_threshold_buckets_targets_and_parts():
    text = (
        "截至9月底,全市累计对接洽谈项目186个、总投资1262.4亿元,其中已落地项目58个、总投资371.5亿元。"
        "1—9月新签约项目41个,协议总投资238.6亿元,完成年度目标任务(签约总投资320亿元)的74.6%。"
        "亿元以上签约项目33个,10亿元以上签约项目8个。四季度力争再签约亿元以上项目10个。"
    )
    result = extract(text, unit_name="石狮市")
    got = {(a.count, a.amount_value, a.what.endswith("(目标)")) for a in result.aggregates}
    assert {
        (186, "1262.4", False),
        (58, "371.5", False),
        (41, "238.6", False),
        (33, None, False),
        (8, None, False),
        (10, None, True),
    } <= got
    assert (None, "320", True) in got  # a target, never a result
    assert not any(a.amount_value == "1633.9" for a in result.aggregates)  # parts are not added


def test_chinese_numerals_and_missing_yuan():
    result = extract(
        "此次招商共签约项目三个,总投资约七点六亿元。另一家鞋企投资8000万建设鞋材加工车间。"
    )
    assert {(a.count, a.amount_value, a.approx) for a in result.aggregates} == {(3, "7.6", "约")}
    workshop = by_name(result)["鞋材加工车间"]
    assert (workshop.amount_value, workshop.amount_unit) == ("8000", "万元")


def test_we_are_the_unit_given_or_the_dateline():
    result = extract("石狮新闻网讯 我市鸿翔冷链物流中心项目总投资12.6亿元,已签约。")
    assert result.projects[0].place == "石狮"
    assert (
        extract("我区鸿翔冷链物流中心项目总投资12.6亿元。", unit_name="长乐区").projects[0].place
        == "长乐区"
    )


def test_a_dirty_text_is_cleaned_before_it_is_read():
    dirty = (
        "長(zhǎng)樂(lè)新聞網訊 我市簽(qiān)約項(xiàng)目14個(gè),,總投資112。8億元。"
        '<span style="display:none">星河娱乐OKbet官网</span>'
        "其中海洋冷鏈物流中心項目總投資12。6億JZ8868元。"
    )
    text = clean_text(dirty)
    assert (
        text
        == "长乐新闻网讯 我市签约项目14个,总投资112.8亿元。其中海洋冷链物流中心项目总投资12.6亿元。"
    )
    result = extract(dirty)
    assert {(a.count, a.amount_value) for a in result.aggregates} == {(14, "112.8")}
    assert by_name(result)["海洋冷链物流中心项目"].amount_value == "12.6"


def test_cli_reads_a_file_or_standard_input(tmp_path, capsys, monkeypatch, units):
    path = tmp_path / "推介会.txt"
    path.write_text(SIGNING_NEWS, encoding="gb18030")
    assert main(["extract", str(path), "--unit", "长乐区", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"text", "projects", "aggregates", "events"}
    assert data["projects"][0]["name"] == "榕城智能装备共享制造基地二期项目"
    monkeypatch.setattr("sys.stdin", io.StringIO("该县新签约项目9个,总投资18.2亿元。"))
    assert main(["extract", "-"]) == 0
    assert "汇总:新签约项目|9|18.2亿元" in capsys.readouterr().out
    assert main(["extract", str(tmp_path / "none.txt")]) == 2


def test_review_confirms_creates_updates_and_dismisses(client, units, owner):
    existing = make_project(
        unit=units.changle,
        name="榕城钢材集采中心项目",
        actor=owner,
        amount=None,
        entered_on=dt.date(2022, 1, 5),
    )
    client.force_login(owner)
    document = docx.Document()
    for line in SIGNING_NEWS.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "推介会新闻.docx"
    response = client.post("/imports/texts/", {"unit": "350112", "file": upload})
    assert response.status_code == 302
    review = client.get(response["Location"]).content.decode()
    assert "将更新已有项目" in review and existing.code in review
    assert Project.objects.count() == 1  # nothing enters the books unconfirmed
    base = TextCandidate.objects.get(data__name="榕城智能装备共享制造基地二期项目")
    prefix = f"c{base.pk}"
    client.post(
        response["Location"],
        {
            "candidate": base.pk,
            "action": "confirm",
            f"{prefix}-name": "榕城智能装备共享制造基地二期项目",
            f"{prefix}-amount": "28",
            f"{prefix}-amount_unit": "亿元",
            f"{prefix}-stage": "signed",
            f"{prefix}-effective_on": "2022-03-18",
        },
    )
    created = Project.objects.get(name="榕城智能装备共享制造基地二期项目")
    assert (created.total_investment, created.stage, created.signed_on) == (
        Decimal(280000),
        "signed",
        dt.date(2022, 3, 18),
    )
    steel = TextCandidate.objects.get(data__name="榕城钢材集采中心项目")
    prefix = f"c{steel.pk}"
    client.post(
        response["Location"],
        {
            "candidate": steel.pk,
            "action": "confirm",
            f"{prefix}-name": "榕城钢材集采中心项目",
            f"{prefix}-amount": "5.5",
            f"{prefix}-amount_unit": "亿元",
            f"{prefix}-stage": "signed",
            f"{prefix}-effective_on": "2022-03-18",
        },
    )
    existing.refresh_from_db()
    assert (existing.total_investment, existing.stage) == (Decimal(55000), "signed")
    assert Project.objects.count() == 2  # matched, not duplicated
    other = TextCandidate.objects.get(data__name="榕城工业设计研究院")
    client.post(response["Location"], {"candidate": other.pk, "action": "dismiss"})
    other.refresh_from_db()
    assert other.status == "dismissed" and Project.objects.count() == 2


def test_extraction_is_refused_for_bad_uploads(client, units, owner):
    client.force_login(owner)
    bad = io.BytesIO(b"\x00\x01")
    bad.name = "briefing.pdf"
    html = client.post("/imports/texts/", {"unit": "350112", "file": bad}).content.decode()
    assert "不支持的文件类型“.pdf”" in html
    assert (
        "请粘贴或上传文本"
        in client.post("/imports/texts/", {"unit": "350112", "text": " "}).content.decode()
    )
