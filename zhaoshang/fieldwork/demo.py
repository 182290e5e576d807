"""Demo field work for the demo city: teams, trips with the visits made on them, visits
and inspections, events whose signing rosters move projects to 签约 (through the service,
as an officer would), service requests (some overdue) and approval milestones.

Bulk rows are written directly, as `zhaoshang.demo` does for projects; the rosters go
through `event_sign` so the stage history they create is exactly what a user's would be."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhaoshang.fieldwork.models import (
    Contact,
    ContactKind,
    Event,
    EventKind,
    LeaderType,
    Team,
    Trip,
)
from zhaoshang.fieldwork.services import event_sign
from zhaoshang.org.models import Unit, UnitKind, User
from zhaoshang.projects.bulk import copy_history_of_created
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import project_move_to_stage
from zhaoshang.projects.stages import SignKind, Stage
from zhaoshang.service.models import (
    ApprovalItem,
    ApprovalMilestone,
    RequestCategory,
    RequestStatus,
    RequestUpdate,
    RequestUpdateKind,
    ServiceRequest,
)

CITIES = [
    "北京",
    "上海",
    "深圳",
    "杭州",
    "广州",
    "成都",
    "合肥",
    "贵阳",
    "武汉",
    "南京",
    "香港",
    "台北",
]
OUTCOMES = [
    "介绍我区产业政策和营商环境,企业表示有投资意向",
    "企业拟扩大产能,商谈选址和用地需求",
    "对方高层带队来考察,参观产业园并座谈",
    "双方就合作框架达成初步共识,约定下月再谈",
    "企业关注人才公寓和配套政策,已转相关部门",
    "洽谈区域总部落户事宜,待企业内部决策",
]
NEXT_STEPS = ["报送项目建议书", "安排实地考察", "对接用地指标", "起草合作协议", "邀请参加签约活动"]
REQUESTS = {
    "用地": ["二期用地指标协调", "土地摘牌时间安排"],
    "审批": ["施工许可并联审批", "环评批复加快办理"],
    "融资": ["流动资金贷款贴息", "引入产业基金"],
    "人才": ["高层次人才子女入学", "人才公寓申请"],
    "政策兑现": ["落户奖励兑现", "设备补助资金拨付"],
    "水电气": ["双回路供电接入", "天然气管道接入"],
    "其他": ["厂区周边道路整治"],
}
EVENT_NAMES = [
    (EventKind.SIGNING, "{year}年{unit}重点项目集中签约仪式"),
    (EventKind.ENTREPRENEURS, "{year}年{unit}企业家大会"),
    (EventKind.FAIR, "第{n}届海峡两岸经贸交易会{unit}专场"),
    (EventKind.PROMOTION, "{unit}数字经济产业推介会"),
]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _with_history(model: Any, saved: list[Any]) -> list[Any]:
    """Rows written in bulk get the creation row of their change history, as the services
    would write it (no user, reason 演示数据), so a first edit shows as the change it is."""
    copy_history_of_created(model, saved, now=timezone.now(), reason="演示数据")
    return saved


def _counties(city: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=city, kind=UnitKind.COUNTY).order_by("code"))


@transaction.atomic
def load_fieldwork_demo(
    *, city: Unit, today: dt.date, projects: int, seed: int = 2017
) -> dict[str, int]:
    rng = random.Random(seed)
    counties = _counties(city)
    officers = {u.unit_id: u for u in User.objects.filter(role="officer", unit__in=counties)}
    teams = _teams(rng, counties)
    trips = _trips(rng, teams, today, count=max(20, min(projects // 20, 5000)))
    contacts = _contacts(rng, trips, officers, today, count=max(100, projects // 2))
    events, signings = _events(
        rng, city, counties, officers, today, count=max(6, min(projects // 300, 80))
    )
    requests = _requests(rng, city, counties, today, count=max(30, min(projects // 25, 4000)))
    approvals = _approvals(rng, today, count=max(20, min(projects // 20, 5000)))
    return {
        "teams": len(teams),
        "trips": len(trips),
        "contacts": contacts,
        "events": events,
        "signings": signings,
        "requests": requests,
        "approvals": approvals,
    }


def _teams(rng: random.Random, counties: list[Unit]) -> list[Team]:
    teams = []
    for county in counties:
        for n in range(1, rng.randint(1, 3) + 1):
            teams.append(
                Team(
                    name=f"第{n}招商小分队",
                    unit=county,
                    leader_name=f"{county.name[:2]}副区长",
                    members="招商专员、产业局干部",
                    target_cities="、".join(rng.sample(CITIES, 3)),
                )
            )
    existing = set(Team.objects.values_list("unit_id", "name"))
    saved = Team.objects.bulk_create([t for t in teams if (t.unit_id, t.name) not in existing])
    return _with_history(Team, saved)


def _trips(rng: random.Random, teams: list[Team], today: dt.date, count: int) -> list[Trip]:
    if not teams:
        return []
    rows = []
    for _ in range(count):
        team = rng.choice(teams)
        start = _day(rng, today - dt.timedelta(days=3 * 365), today - dt.timedelta(days=1))
        end = min(start + dt.timedelta(days=rng.randint(0, 4)), today)
        leader = rng.choices(list(LeaderType), weights=[2, 5, 3])[0]
        rows.append(
            Trip(
                unit_id=team.unit_id,
                team=team,
                leader_type=leader,
                leader_name={"main": "书记", "deputy": "副区长", "department": "招商局长"}[leader],
                people=rng.randint(2, 8),
                cities="、".join(rng.sample(CITIES, rng.randint(1, 2))),
                start_on=start,
                end_on=end,
                purpose="拜访产业链龙头企业",
            )
        )
    return _with_history(Trip, Trip.objects.bulk_create(rows, batch_size=2000))


def _contacts(
    rng: random.Random, trips: list[Trip], officers: dict[int, User], today: dt.date, count: int
) -> int:
    """Visits on trips and at home, inspections received, online meetings: each with a
    company that invests in the unit and, most often, its project."""
    by_unit: dict[int, list[tuple[int, int]]] = {}
    rows = Project.objects.filter(investor__isnull=False).values_list(
        "unit__parent_id", "unit_id", "pk", "investor_id"
    )
    for parent, unit, pk, company in rows:
        county = unit if unit in officers or parent not in officers else parent
        by_unit.setdefault(county, []).append((pk, company))
    trips_by_unit: dict[int, list[Trip]] = {}
    for t in trips:
        trips_by_unit.setdefault(t.unit_id, []).append(t)
    units = [u for u in by_unit if u in trips_by_unit] or list(by_unit)
    if not units:
        return 0
    made: list[Contact] = []
    links: list[tuple[int, float]] = []
    for _ in range(count):
        unit = rng.choice(units)
        project, company = rng.choice(by_unit[unit])
        kind = rng.choices(list(ContactKind), weights=[6, 3, 2, 1])[0]
        trip: Trip | None = None
        if kind == ContactKind.VISIT and trips_by_unit.get(unit) and rng.random() < 0.6:
            trip = rng.choice(trips_by_unit[unit])
            on = _day(rng, trip.start_on, trip.end_on)
        else:
            on = _day(rng, today - dt.timedelta(days=3 * 365), today)
        recent = (today - on).days < 30
        follow = (
            on + dt.timedelta(days=rng.randint(3, 40)) if recent and rng.random() < 0.7 else None
        )
        made.append(
            Contact(
                kind=kind,
                contacted_on=on,
                unit_id=unit,
                company_id=company,
                trip=trip,
                outcome=rng.choice(OUTCOMES),
                next_step=rng.choice(NEXT_STEPS),
                follow_up_on=follow,
                recorded_by=officers.get(unit),
                our_people="招商专员",
                source="演示数据",
            )
        )
        links.append((project, rng.random()))
    saved = Contact.objects.bulk_create(made, batch_size=2000)
    Through = Contact.projects.through
    Through.objects.bulk_create(
        [
            Through(contact_id=c.pk, project_id=p)
            for c, (p, r) in zip(saved, links, strict=True)
            if r < 0.7
        ],
        batch_size=5000,
    )
    _with_history(Contact, saved)  # after the projects: its creation row holds them
    return len(saved)


def _events(
    rng: random.Random,
    city: Unit,
    counties: list[Unit],
    officers: dict[int, User],
    today: dt.date,
    count: int,
) -> tuple[int, int]:
    """Events over the last two years; signing events sign 3–8 of the unit's open projects
    on the day, and some of those have landed since (so fulfilment has something to show)."""
    hosts = [c for c in counties if c.pk in officers] or counties
    made = signed = 0
    for n in range(count):
        unit = rng.choice(hosts)
        held = _day(rng, today - dt.timedelta(days=720), today - dt.timedelta(days=30))
        kind, pattern = rng.choice(EVENT_NAMES)
        event = Event.objects.create(
            name=pattern.format(year=held.year, unit=unit.name, n=n + 18),
            kind=kind,
            held_on=held,
            place=f"{unit.name}会展中心",
            unit=unit,
            leaders="区委书记、区长",
            participants=rng.randint(80, 600),
        )
        made += 1
        if kind not in (EventKind.SIGNING, EventKind.ENTREPRENEURS, EventKind.FAIR):
            continue
        candidates = list(
            Project.objects.filter(
                unit=unit,
                stage__in=[Stage.LEAD, Stage.NEGOTIATING],
                stage_on__lt=held,
                event_signings__isnull=True,
            ).values_list("pk", flat=True)[:200]
        )
        picked = rng.sample(candidates, min(len(candidates), rng.randint(3, 8)))
        open_ones = list(Project.objects.filter(pk__in=picked).order_by("pk"))
        for project in open_ones:
            event_sign(
                event=event, project=project, sign_kind=rng.choice(SignKind.values), actor=None
            )
            signed += 1
            if rng.random() < 0.4:
                landed = _day(rng, held + dt.timedelta(days=20), today)
                if landed <= today:
                    project_move_to_stage(
                        project=project,
                        stage=Stage.LANDED,
                        effective_on=landed,
                        actor=None,
                        source="演示数据",
                    )
    return made, signed


def _requests(
    rng: random.Random, city: Unit, counties: list[Unit], today: dt.date, count: int
) -> int:
    departments = list(Unit.objects.filter(parent=city, kind=UnitKind.DEPARTMENT))
    categories = {c.name: c for c in RequestCategory.objects.filter(owner=None)}
    projects = list(
        Project.objects.filter(
            stage__in=[Stage.LANDED, Stage.CONSTRUCTION, Stage.OPERATING], investor__isnull=False
        ).values_list("pk", "unit_id", "investor_id")[:20000]
    )
    if not departments or not projects or not categories:
        return 0
    rows = []
    for _ in range(count):
        project, unit, company = rng.choice(projects)
        category = rng.choice(list(REQUESTS))
        received = _day(rng, today - dt.timedelta(days=540), today)
        due = received + dt.timedelta(days=rng.choice([5, 10, 15, 20, 30]))
        r = ServiceRequest(
            unit_id=unit,
            company_id=company,
            project_id=project,
            category=categories[category],
            title=rng.choice(REQUESTS[category]),
            department=rng.choice(departments),
            received_on=received,
            due_on=due,
        )
        roll = rng.random()
        closed = received + dt.timedelta(days=rng.randint(1, 40))
        if closed <= today and roll < 0.75:
            r.status, r.closed_on, r.resolution = RequestStatus.CLOSED, closed, "已协调解决"
            if rng.random() < 0.6:
                r.status, r.satisfaction = RequestStatus.RATED, rng.choices([3, 4, 5], [1, 3, 6])[0]
        elif roll < 0.9:
            r.status = RequestStatus.IN_PROGRESS
        rows.append(r)
    saved = _with_history(ServiceRequest, ServiceRequest.objects.bulk_create(rows, batch_size=2000))
    RequestUpdate.objects.bulk_create(
        [
            RequestUpdate(
                request=r,
                kind=RequestUpdateKind.RECEIVED,
                on=r.received_on,
                note=f"交{r.department}办理",
            )
            for r in saved
        ],
        batch_size=2000,
    )
    return len(saved)


def _approvals(rng: random.Random, today: dt.date, count: int) -> int:
    items = list(ApprovalItem.objects.filter(owner=None))
    landed_ones = Project.objects.filter(landed_on__isnull=False).order_by("pk")
    every = list(landed_ones.values_list("pk", "landed_on"))
    landed = rng.sample(every, min(count, len(every)))  # seeded: the same demo every time
    rows: list[Any] = []
    for pk, on in landed:
        parallel = rng.random() < 0.4
        for item in rng.sample(items, rng.randint(2, 4)):
            start = on + dt.timedelta(days=rng.randint(0, 60))
            if start > today:
                continue
            took = rng.randint(0, 3) if parallel else rng.randint(5, 40)
            end = start + dt.timedelta(days=took)
            rows.append(
                ApprovalMilestone(
                    project_id=pk,
                    item=item,
                    started_on=start,
                    finished_on=end if end <= today else None,
                    parallel=parallel,
                )
            )
    _with_history(
        ApprovalMilestone,
        ApprovalMilestone.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True),
    )
    return len(rows)


def load_targets_demo(*, city: Unit, today: dt.date) -> dict[str, int]:
    """This year's targets for each county (last year's results plus a fifth, as offices
    set them) and a published 年度招商考评 run over them."""
    from decimal import Decimal

    from zhaoshang.assessment.services import run_publish, scheme_run, scheme_save
    from zhaoshang.figures.measures import Actuals
    from zhaoshang.figures.periods import period_parse
    from zhaoshang.org.access import SYSTEM
    from zhaoshang.targets.services import TargetValue, targets_set

    year = period_parse(str(today.year))
    counties = _counties(city)
    measures = ["signed_count", "landed_count", "signed_amount", "capital_cny"]
    items = []
    for county in counties:
        last = Actuals(
            user=SYSTEM,
            unit=county,
            start=dt.date(today.year - 1, 1, 1),
            end=dt.date(today.year - 1, 12, 31),
            today=today,
        )
        for code in measures:
            value = (last.value(code) * Decimal("1.2")).quantize(Decimal(1))
            items.append(TargetValue(county, code, max(value, Decimal(1))))
    targets_set(period=year, items=items, actor=None, source="演示数据")
    scheme = scheme_save(
        data={
            "name": f"{today.year}年度招商考评",
            "owner": city,
            "period": year,
            "units": counties,
            "deduct_dropped": Decimal("0.5"),
            "deduct_corrections": Decimal("0.2"),
        },
        indicators=[
            {"measure": "signed_amount", "weight": Decimal(30), "cap": Decimal("1.2")},
            {
                "measure": "landed_count",
                "weight": Decimal(30),
                "cap": Decimal("1.2"),
                "tier_threshold": Decimal(100000),
                "tier_factor": Decimal(2),
            },
            {"measure": "signed_count", "weight": Decimal(20), "cap": Decimal("1.2")},
            {"measure": "capital_cny", "weight": Decimal(20), "cap": Decimal("1.2")},
        ],
        actor=None,
    )
    run_publish(run=scheme_run(scheme=scheme, actor=None, as_of=today), actor=None)
    return {"targets": len(items), "schemes": 1}
