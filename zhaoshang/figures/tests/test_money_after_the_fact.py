"""Money that moves after the fact (issue 12 §4): an arrival keeps the rate it was
converted at; arrivals are corrected and withdrawn like stage entries; an event's
资金到位率 counts every arrival at its stored rate."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhaoshang.factories import make_project
from zhaoshang.figures.capital import capital_figures
from zhaoshang.projects.models import CapitalArrival, FxRate, Project
from zhaoshang.projects.services import capital_arrival_record

JUNE = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


def _snapshot() -> list[dict]:
    return list(CapitalArrival.objects.order_by("pk").values())


@pytest.fixture
def june_rate(db):
    return FxRate.objects.create(month=dt.date(2024, 6, 1), cny_per_usd=Decimal("7.10"))


@pytest.fixture
def june_arrivals(units, june_rate):
    p = make_project(unit=units.changle, name="长乐台商电子项目", entered_on=dt.date(2024, 1, 5))
    usd = capital_arrival_record(
        project=p,
        amount=Decimal("100"),
        currency="USD",
        is_foreign=True,
        arrived_on=dt.date(2024, 6, 12),
        actor=None,
    )
    cny = capital_arrival_record(
        project=p,
        amount=Decimal("500"),
        currency="CNY",
        arrived_on=dt.date(2024, 6, 20),
        actor=None,
    )
    return p, usd, cny


def _june() -> Decimal:
    return capital_figures(
        projects=Project.objects.all(), start=JUNE[0], end=JUNE[1]
    ).arrived_cny_wan


def test_editing_a_rate_does_not_move_a_reported_arrival(june_arrivals, june_rate):
    assert _june() == Decimal("1210")
    june_rate.cny_per_usd = Decimal("7.20")
    june_rate.save()
    assert _june() == Decimal("1210")  # the figure reported in July stays what it was


def test_an_arrival_keeps_the_rate_and_amount_it_was_converted_at(june_arrivals):
    _, usd, cny = june_arrivals
    usd.refresh_from_db()
    assert (usd.rate, usd.cny_wan, usd.usd_wan) == (Decimal("7.10"), Decimal("710"), Decimal("100"))
    cny.refresh_from_db()
    assert (cny.cny_wan, cny.usd_wan) == (Decimal("500"), None)


def test_an_arrival_is_refused_when_its_month_has_no_rate(units):
    p = make_project(unit=units.changle, name="外资项目", entered_on=dt.date(2021, 1, 1))
    with pytest.raises(ValidationError, match="缺少2022年3月的美元汇率"):
        capital_arrival_record(
            project=p,
            amount=Decimal("10"),
            currency="USD",
            is_foreign=True,
            arrived_on=dt.date(2022, 3, 5),
            actor=None,
        )
    assert not CapitalArrival.objects.exists()


def test_a_recalculation_applies_a_corrected_rate_and_is_recorded(
    june_arrivals, june_rate, city_admin
):
    from zhaoshang.projects.services import capital_arrivals_recalculate

    _, usd, _ = june_arrivals
    june_rate.cny_per_usd = Decimal("7.20")
    june_rate.save()
    changed = capital_arrivals_recalculate(
        month=dt.date(2024, 6, 1), actor=city_admin, reason="国家外汇管理局公布汇率更正"
    )
    assert len(changed) == 1  # the CNY arrival needs no rate
    assert _june() == Decimal("1220")
    row = changed[0]
    assert (row.action, row.corrects_id, row.recorded_by) == ("recalculation", usd.pk, city_admin)
    assert (row.corrects.rate, row.corrects.cny_wan, row.rate, row.cny_wan) == (
        Decimal("7.10"),
        Decimal("710"),
        Decimal("7.20"),
        Decimal("720"),
    )
    assert row.note == "国家外汇管理局公布汇率更正"
    # Once more: nothing left to recalculate.
    assert (
        capital_arrivals_recalculate(month=dt.date(2024, 6, 1), actor=city_admin, reason="再核")
        == []
    )


def test_only_a_city_admin_recalculates_and_a_reason_is_required(
    june_arrivals, june_rate, owner, city_admin
):
    from zhaoshang.projects.services import capital_arrivals_recalculate

    june_rate.cny_per_usd = Decimal("7.20")
    june_rate.save()
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        capital_arrivals_recalculate(month=dt.date(2024, 6, 1), actor=owner, reason="改")
    with pytest.raises(ValidationError, match="说明原因"):
        capital_arrivals_recalculate(month=dt.date(2024, 6, 1), actor=city_admin, reason=" ")
    assert _snapshot() == before


def test_an_arrival_is_corrected_and_withdrawn_and_both_are_kept(june_arrivals, owner):
    from zhaoshang.projects.services import capital_arrival_correct, capital_arrival_retract

    _, usd, cny = june_arrivals
    fixed = capital_arrival_correct(
        arrival=cny, actor=owner, note="银行回单金额为5000万元", amount=Decimal("5000")
    )
    assert _june() == Decimal("5710")
    assert (fixed.action, fixed.corrects_id, fixed.in_effect) == ("correction", cny.pk, True)
    cny.refresh_from_db()
    assert not cny.in_effect
    withdrawn = capital_arrival_retract(arrival=usd, actor=owner, note="重复登记")
    assert (withdrawn.action, withdrawn.corrects_id, withdrawn.in_effect) == (
        "retraction",
        usd.pk,
        False,
    )
    assert _june() == Decimal("5000")
    assert CapitalArrival.objects.count() == 4  # nothing erased


def test_refused_corrections_change_nothing(june_arrivals, owner, outsider):
    from zhaoshang.projects.services import capital_arrival_correct, capital_arrival_retract

    _, usd, cny = june_arrivals
    before = _snapshot()
    with pytest.raises(ValidationError, match="说明原因"):
        capital_arrival_correct(arrival=cny, actor=owner, note="", amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        capital_arrival_retract(arrival=cny, actor=outsider, note="误录")
    with pytest.raises(ValidationError, match="相同"):
        capital_arrival_correct(arrival=cny, actor=owner, note="核对", amount=Decimal("500"))
    with pytest.raises(ValidationError, match="大于零"):
        capital_arrival_correct(arrival=cny, actor=owner, note="核对", amount=Decimal("0"))
    assert _snapshot() == before
    capital_arrival_retract(arrival=usd, actor=owner, note="重复登记")
    after = _snapshot()
    with pytest.raises(ValidationError, match="已被更正或撤销"):
        capital_arrival_retract(arrival=usd, actor=owner, note="再撤")
    assert _snapshot() == after


def test_an_events_capital_rate_counts_dollar_arrivals(units, owner):
    from zhaoshang.fieldwork.figures import event_fulfilment
    from zhaoshang.fieldwork.services import event_save, event_sign

    FxRate.objects.create(month=dt.date(2023, 9, 1), cny_per_usd=Decimal("7.2"))
    event = event_save(
        data={
            "name": "2023海峡两岸经贸交易会签约仪式",
            "kind": "signing",
            "held_on": dt.date(2023, 5, 18),
            "unit": units.changle,
        },
        actor=owner,
    )
    p = make_project(
        unit=units.changle, name="外资光伏组件项目", entered_on=dt.date(2023, 3, 1), amount="720000"
    )
    event_sign(event=event, project=p, sign_kind="contract", actor=owner)
    capital_arrival_record(
        project=p,
        amount=Decimal("5000"),
        currency="USD",
        is_foreign=True,
        arrived_on=dt.date(2023, 9, 8),
        actor=owner,
    )
    f = event_fulfilment(event, dt.date(2023, 12, 31))
    assert f.capital_wan == Decimal("36000")  # 5,000万美元 × 7.2
    assert f.capital_rate == Decimal("5.0")


def test_the_project_page_corrects_and_withdraws_an_arrival(client, june_arrivals, owner):
    p, _, cny = june_arrivals
    client.force_login(owner)
    page = client.get(f"/projects/{p.code}/").content.decode()
    assert f"/projects/{p.code}/arrivals/{cny.pk}/" in page and "汇率7.1" in page
    before = _snapshot()
    refused = client.post(
        f"/projects/{p.code}/arrivals/{cny.pk}/", {"action": "retract", "note": ""}
    )
    assert "撤销须说明原因" in refused.content.decode()
    assert _snapshot() == before
    done = client.post(
        f"/projects/{p.code}/arrivals/{cny.pk}/",
        {
            "action": "correct",
            "amount": "5000",
            "currency": "CNY",
            "arrived_on": "2024-06-20",
            "note": "银行回单金额为5000万元",
        },
    )
    assert done.status_code == 302
    assert _june() == Decimal("5710")


def test_the_api_corrects_and_withdraws_an_arrival(client, june_arrivals, owner, teammate):
    from zhaoshang.org.services import token_create

    p, usd, _ = june_arrivals

    def post(user, path, body):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)[1]}"}
        return client.post(path, body, content_type="application/json", **headers)

    base = f"/api/v1/projects/{p.code}/arrivals/{usd.pk}"
    before = _snapshot()
    assert post(teammate, f"{base}/retraction", {"note": "误录"}).status_code == 403
    assert post(owner, f"{base}/retraction", {"note": ""}).status_code == 422
    assert _snapshot() == before
    fixed = post(
        owner,
        f"{base}/correction",
        {
            "amount": "200",
            "currency": "USD",
            "arrived_on": "2024-06-12",
            "is_foreign": True,
            "note": "外汇入账凭证金额为200万美元",
        },
    )
    assert fixed.status_code == 201, fixed.content
    body = fixed.json()
    assert (body["rate"], body["cny_wan"], body["action"]) == ("7.1", "1420", "correction")
    gone = post(
        owner, f"/api/v1/projects/{p.code}/arrivals/{body['id']}/retraction", {"note": "重复登记"}
    )
    assert gone.status_code == 201 and gone.json()["in_effect"] is False
    assert _june() == Decimal("500")


def test_cli_recalculates_a_month_as_a_city_admin(
    june_arrivals, june_rate, city_admin, owner, capsys
):
    from zhaoshang.cli import main

    june_rate.cny_per_usd = Decimal("7.20")
    june_rate.save()
    args = ["fx", "recalculate", "--month", "2024-06-01", "--reason", "汇率更正"]
    before = _snapshot()
    assert main([*args, "--user", owner.username]) == 2
    assert _snapshot() == before
    assert main([*args, "--user", city_admin.username]) == 0
    out = capsys.readouterr().out
    assert "汇率7.1000→7.2000,折合710.0000→720.0000万元" in out and "重新折算到资记录1条" in out
    assert _june() == Decimal("1220")


def test_an_assessment_counts_corrected_arrivals_but_not_recalculations(
    june_arrivals, june_rate, owner, city_admin
):
    from zhaoshang.assessment.services import _deductions, scheme_save
    from zhaoshang.figures.periods import Period
    from zhaoshang.projects.services import (
        capital_arrival_correct,
        capital_arrivals_recalculate,
    )

    p, _, cny = june_arrivals
    today = timezone.localdate()
    scheme = scheme_save(
        data={"name": "招商引资阶段考评", "period": Period("year", today.replace(month=1, day=1),
                                                   today.replace(month=12, day=31)),
              "owner": city_admin.unit, "units": [p.unit]},
        indicators=[{"measure": "capital_cny", "weight": "100", "cap": "1.2"}], actor=None,
    )  # fmt: skip
    projects = Project.objects.all()
    assert _deductions(scheme, projects, today)["corrections"] == 0
    capital_arrival_correct(arrival=cny, actor=owner, note="回单金额有误", amount=Decimal("600"))
    june_rate.cny_per_usd = Decimal("7.20")
    june_rate.save()
    capital_arrivals_recalculate(month=JUNE[0], actor=city_admin, reason="汇率更正")
    assert _deductions(scheme, projects, today)["corrections"] == 1
