"""Teams, trips, contacts and events as an officer records them, and the figures they
feed. Every refusal also asserts that nothing was written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.companies.models import Company
from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.fieldwork.figures import (
    company_contact_stats,
    event_fulfilment,
    fieldwork_figures,
    follow_ups_due,
    roster_totals,
    stalled_page,
    stalled_projects,
)
from zhaoshang.fieldwork.models import Contact, Event, EventSigning, Team, Trip
from zhaoshang.fieldwork.services import (
    contact_log,
    event_save,
    event_sign,
    event_signing_remove,
    follow_up_done,
    team_save,
    trip_save,
)
from zhaoshang.figures.periods import Period
from zhaoshang.projects.models import StageEntry
from zhaoshang.projects.services import capital_arrival_record, project_drop, project_move_to_stage

YEAR_2017 = Period("year", dt.date(2017, 1, 1), dt.date(2017, 12, 31))


def state():
    return (
        list(Trip.objects.values()),
        list(Contact.objects.values()),
        list(Event.objects.values()),
        list(EventSigning.objects.values()),
        list(StageEntry.objects.order_by("pk").values()),
    )


@pytest.fixture
def team(units, owner):
    return team_save(
        data={
            "name": "第三招商小分队",
            "unit": units.changle,
            "leader_name": "林区长",
            "members": "陈明、王芳",
            "target_cities": "北京、杭州",
        },
        actor=owner,
    )


def trip_data(units, team, **extra):
    return {
        "unit": units.changle,
        "team": team,
        "leader_name": "张书记",
        "leader_type": "main",
        "people": 4,
        "cities": "北京",
        "start_on": dt.date(2017, 3, 6),
        "end_on": dt.date(2017, 3, 8),
        "purpose": "拜访数字经济企业",
        **extra,
    }


def visit(units, owner, company, day, **extra):
    data = {
        "kind": "visit",
        "contacted_on": day,
        "unit": units.changle,
        "company": company,
        "outcome": "介绍长乐区大数据产业政策,企业有意向",
        **extra,
    }
    return contact_log(data=data, actor=owner)


def test_a_trip_counts_its_days_and_person_days(units, owner, team):
    trip = trip_save(data=trip_data(units, team), actor=owner)
    assert (trip.days, trip.is_head_led, trip.created_by) == (3, True, owner)


def test_a_trip_ending_before_it_starts_is_refused(units, owner, team):
    before = state()
    with pytest.raises(ValidationError) as err:
        trip_save(data=trip_data(units, team, end_on=dt.date(2017, 3, 5)), actor=owner)
    assert "返回日期2017-03-05早于出发日期2017-03-06" in str(err.value.message_dict["end_on"])
    assert state() == before


def test_a_team_name_is_unique_within_its_unit(units, owner, team):
    with pytest.raises(ValidationError) as err:
        team_save(
            data={"name": "第三招商小分队", "unit": units.changle, "leader_name": "王"}, actor=owner
        )
    assert "已有名为“第三招商小分队”的小分队" in str(err.value)
    assert Team.objects.count() == 1


def test_nobody_records_field_work_for_another_district(units, outsider, team):
    before = state()
    with pytest.raises(ValidationError) as err:
        trip_save(data=trip_data(units, team), actor=outsider)
    assert err.value.message_dict["unit"] == ["无权为“长乐区”登记"]
    assert state() == before


def test_a_contact_dated_in_the_future_is_refused(units, owner):
    company = CompanyFactory(name="国家信息中心")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    before = state()
    with pytest.raises(ValidationError) as err:
        visit(units, owner, company, tomorrow)
    assert "晚于今天" in err.value.message_dict["contacted_on"][0]
    assert state() == before


def test_a_contact_on_a_trip_must_fall_within_it(units, owner, team):
    trip = trip_save(data=trip_data(units, team), actor=owner)
    company = CompanyFactory(name="东华软件股份公司")
    with pytest.raises(ValidationError) as err:
        visit(units, owner, company, dt.date(2017, 3, 10), trip=trip)
    assert "不在所选外出招商的行程内" in err.value.message_dict["contacted_on"][0]
    assert visit(units, owner, company, dt.date(2017, 3, 7), trip=trip).trip == trip


def test_a_contact_cannot_link_a_project_the_user_cannot_see(units, owner):
    hidden = make_project(unit=units.fuqing, name="福清不锈钢项目")
    with pytest.raises(ValidationError) as err:
        visit(units, owner, CompanyFactory(), dt.date(2017, 3, 7), projects=[hidden])
    assert err.value.message_dict["projects"] == ["无权关联项目:福清不锈钢项目"]
    assert Contact.objects.count() == 0


def test_follow_ups_due_today_and_overdue_are_listed_until_done(units, owner):
    today = timezone.localdate()
    company = CompanyFactory(name="正大集团")
    old = visit(
        units,
        owner,
        company,
        today - dt.timedelta(days=10),
        follow_up_on=today - dt.timedelta(days=3),
    )
    due = visit(units, owner, company, today - dt.timedelta(days=2), follow_up_on=today)
    visit(units, owner, company, today, follow_up_on=today + dt.timedelta(days=5))
    assert list(follow_ups_due(owner, today)) == [old, due]
    follow_up_done(contact=old, actor=owner)
    assert list(follow_ups_due(owner, today)) == [due]


def test_visits_per_company_first_and_last(units, owner, teammate):
    company = CompanyFactory(name="神州优车(福建)有限公司")
    for day in (dt.date(2016, 11, 2), dt.date(2017, 1, 5), dt.date(2017, 1, 20)):
        visit(units, owner, company, day)
    visit(units, owner, company, dt.date(2017, 1, 25), kind="inspection")
    stats = company_contact_stats(company, teammate)
    assert (stats["visits"], stats["inspections"], stats["total"]) == (3, 1, 4)
    assert (stats["first"], stats["last"]) == (dt.date(2016, 11, 2), dt.date(2017, 1, 25))


# ── events ──────────────────────────────────────────────────────────────────────────


@pytest.fixture
def conference(units, owner):
    return event_save(
        data={
            "name": "长乐区企业家大会",
            "kind": "entrepreneurs",
            "held_on": dt.date(2017, 2, 5),
            "place": "长乐区行政服务中心",
            "unit": units.changle,
            "leaders": "区委书记、区长",
        },
        actor=owner,
    )


def lead(units, owner, name, amount, entered=dt.date(2016, 12, 1)):
    return make_project(
        unit=units.changle, name=name, amount=amount, actor=owner, entered_on=entered
    )


def test_signing_at_an_event_moves_the_project_to_signed_on_the_event_day(units, owner, conference):
    project = lead(units, owner, "中国东方航空福州基地项目", "1000000")
    signing = event_sign(
        event=conference,
        project=project,
        sign_kind="contract",
        amount=Decimal("1030000"),
        actor=owner,
    )
    project.refresh_from_db()
    assert (project.stage, project.signed_on) == ("signed", dt.date(2017, 2, 5))
    entry = signing.stage_entry
    assert (entry.sign_kind, entry.source) == ("contract", "签约活动:长乐区企业家大会")


def test_an_event_totals_its_roster(units, owner, conference):
    amounts = ["1030000", "800000", "550000"]
    for i, amount in enumerate(amounts):
        project = lead(units, owner, f"长乐区重点项目{i + 1}号", "1")
        event_sign(
            event=conference,
            project=project,
            sign_kind="framework",
            amount=Decimal(amount),
            actor=owner,
        )
    unpriced = lead(units, owner, "滨海新城综合体项目", "2300")
    event_sign(event=conference, project=unpriced, sign_kind="intent", actor=owner)
    count, total = roster_totals(EventSigning.objects.filter(event=conference))
    assert (count, total) == (4, Decimal("2382300"))  # 238.23亿元: the project's own total counts


def test_a_project_already_signed_before_the_event_is_not_moved_again(units, owner, conference):
    project = lead(units, owner, "国信优易数据项目", "50000")
    project_move_to_stage(
        project=project,
        stage="signed",
        sign_kind="framework",
        effective_on=dt.date(2017, 1, 27),
        actor=owner,
    )
    signing = event_sign(event=conference, project=project, sign_kind="contract", actor=owner)
    assert signing.stage_entry is None
    assert project.stage_entries.filter(stage="signed").count() == 1


def test_a_roster_entry_for_a_project_the_user_may_not_write_is_refused(
    units, owner, outsider, conference
):
    theirs = make_project(unit=units.fuqing, name="福清不锈钢项目", actor=outsider)
    before = state()
    with pytest.raises(ValidationError) as err:
        event_sign(event=conference, project=theirs, sign_kind="contract", actor=owner)
    assert err.value.message_dict["project"] == ["无权为项目“福清不锈钢项目”登记签约"]
    assert state() == before


def test_removing_a_roster_line_retracts_the_signing_it_made(units, owner, conference):
    project = lead(units, owner, "长乐区数字经济项目", "10000")
    signing = event_sign(event=conference, project=project, sign_kind="contract", actor=owner)
    event_signing_remove(signing=signing, actor=owner, note="重复登记")
    project.refresh_from_db()
    assert project.stage == "lead" and not conference.signings.exists()


def test_fulfilment_of_an_event_against_a_hand_computed_example(units, owner, conference):
    """Four projects signed on 2017-02-05 for 10 + 20 + 30 亿元 and one at its own 5 亿元:
    by 2017-12-31 two have landed (one also started construction), one was dropped, and
    3 亿元 arrived (a later 1 亿元 does not count yet)."""
    p = [
        lead(units, owner, f"签约项目{i}", amount)
        for i, amount in enumerate(["100000", "200000", "300000", "50000"], start=1)
    ]
    for project, amount in zip(p, ["100000", "200000", "300000", None], strict=True):
        event_sign(
            event=conference,
            project=project,
            sign_kind="contract",
            actor=owner,
            amount=Decimal(amount) if amount else None,
        )
    project_move_to_stage(
        project=p[0], stage="landed", effective_on=dt.date(2017, 5, 1), actor=owner
    )
    project_move_to_stage(
        project=p[0], stage="construction", effective_on=dt.date(2017, 8, 1), actor=owner
    )
    project_move_to_stage(
        project=p[1], stage="landed", effective_on=dt.date(2017, 11, 30), actor=owner
    )
    project_drop(project=p[3], effective_on=dt.date(2017, 9, 1), reason="企业战略调整", actor=owner)
    capital_arrival_record(
        project=p[0], amount=Decimal("30000"), arrived_on=dt.date(2017, 6, 1), actor=owner
    )
    capital_arrival_record(
        project=p[1], amount=Decimal("10000"), arrived_on=dt.date(2018, 1, 10), actor=owner
    )

    f = event_fulfilment(conference, dt.date(2017, 12, 31))
    assert (f.projects, f.amount_wan) == (4, Decimal("650000"))
    assert (f.landed, f.construction, f.with_capital, f.dropped) == (2, 1, 1, 1)
    assert f.capital_wan == Decimal("30000")
    assert (f.landed_rate, f.construction_rate, f.capital_rate) == (
        Decimal("50.0"),
        Decimal("25.0"),
        Decimal("4.6"),
    )
    mid = event_fulfilment(conference, dt.date(2017, 6, 30))
    assert (mid.landed, mid.construction, mid.dropped) == (1, 0, 0)
    later = event_fulfilment(conference, dt.date(2018, 1, 31))
    assert (later.with_capital, later.capital_wan) == (2, Decimal("40000"))


def test_an_event_with_signings_keeps_its_date(units, owner, conference):
    event_sign(
        event=conference,
        project=lead(units, owner, "项目甲", "100"),
        sign_kind="contract",
        actor=owner,
    )
    with pytest.raises(ValidationError) as err:
        event_save(data={"held_on": dt.date(2017, 2, 6)}, actor=owner, event=conference)
    assert "不能改日期" in err.value.message_dict["held_on"][0]


# ── figures and lists ───────────────────────────────────────────────────────────────


def test_field_work_figures_for_a_year(units, owner, teammate, team, conference):
    trip = trip_save(data=trip_data(units, team), actor=owner)  # 3 days × 4 people, head-led
    trip_save(
        data=trip_data(
            units,
            team,
            leader_type="deputy",
            people=2,
            cities="杭州",
            start_on=dt.date(2017, 4, 10),
            end_on=dt.date(2017, 4, 10),
        ),
        actor=owner,
    )
    trip_save(
        data=trip_data(units, team, start_on=dt.date(2016, 12, 30), end_on=dt.date(2017, 1, 2)),
        actor=owner,
    )
    a, b = CompanyFactory(name="东华软件股份公司"), CompanyFactory(name="正大集团")
    for day, company in ((6, a), (7, b), (7, a), (8, b)):
        visit(units, owner, company, dt.date(2017, 3, day), trip=trip)
    visit(units, owner, a, dt.date(2017, 5, 1))
    for _ in range(3):
        visit(
            units,
            owner,
            CompanyFactory(name="国家信息中心")
            if _ == 0
            else Company.objects.get(name="国家信息中心"),
            dt.date(2017, 6, 1),
            kind="inspection",
        )
    event_sign(
        event=conference,
        project=lead(units, owner, "项目甲", "2383000"),
        sign_kind="contract",
        actor=owner,
    )

    f = fieldwork_figures(
        user=teammate, scope=units.changle, period=YEAR_2017, today=dt.date(2018, 1, 1)
    )
    assert (f.trips, f.head_led_trips, f.trip_days, f.person_days) == (2, 1, 4, 14)
    assert (f.visits, f.companies_visited, f.inspections) == (5, 2, 3)
    assert f.visits_per_trip_day == Decimal("1.00")  # 4 visits on the period's trips ÷ 4 days
    assert (f.events, f.event_signings, f.event_signed_wan) == (1, 1, Decimal("2383000"))
    nothing = fieldwork_figures(
        user=teammate, scope=units.fuqing, period=YEAR_2017, today=dt.date(2018, 1, 1)
    )
    assert (nothing.trips, nothing.visits, nothing.events) == (0, 0, 0)


def test_stalled_projects_have_no_contact_for_longer_than_their_units_threshold(units, owner):
    today = timezone.localdate()
    company = CompanyFactory(name="福耀玻璃")
    quiet = lead(units, owner, "长乐玻璃深加工项目", "50000", entered=today - dt.timedelta(200))
    project_move_to_stage(
        project=quiet, stage="negotiating", actor=owner, effective_on=today - dt.timedelta(100)
    )
    visit(units, owner, company, today - dt.timedelta(days=40), projects=[quiet])
    busy = lead(units, owner, "长乐数据中心项目", "50000", entered=today - dt.timedelta(200))
    project_move_to_stage(
        project=busy, stage="signed", actor=owner, effective_on=today - dt.timedelta(100)
    )
    visit(units, owner, company, today - dt.timedelta(days=3), projects=[busy])
    never = lead(units, owner, "滨海新城项目", "1", entered=today - dt.timedelta(days=45))
    project_move_to_stage(
        project=never, stage="negotiating", actor=owner, effective_on=today - dt.timedelta(days=44)
    )
    lead(units, owner, "只是线索的项目", "1", entered=today - dt.timedelta(days=300))

    found = stalled_page(stalled_projects(user=owner, scope=units.changle, today=today), today)
    assert [(p.name, p.idle_days) for p in found] == [
        ("滨海新城项目", 45),
        ("长乐玻璃深加工项目", 40),
    ]
    units.fuzhou.stalled_after_days = 60  # the city relaxes it; 长乐 inherits
    units.fuzhou.save()
    assert list(stalled_projects(user=owner, scope=units.changle, today=today)) == []
