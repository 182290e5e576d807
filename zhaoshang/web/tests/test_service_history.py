"""Every service keeps its history, and every refusal writes nothing.

Generated from the code: every function of a `services.py` (or `*_services.py`) module
decorated with `@transaction.atomic` is either driven here — a call with a change to each
field it writes must leave, for each changed field, a history entry (simple_history's
record diff) with the acting user, the time and before → after; a refused call
(PermissionDenied / ValidationError) must leave every table of the database unchanged,
counted and hashed row by row — or listed in NOT_DRIVEN with the reason. A new service
fails `test_every_service_is_driven_or_listed` until it is one or the other. The fields a
`*_save` service writes are read from its module's `*_FIELDS` tuple, so a field added
there must get a change here."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import zhaoshang
from zhaoshang.companies.models import Company
from zhaoshang.factories import CompanyFactory, make_project
from zhaoshang.fieldwork import services as fieldwork
from zhaoshang.fieldwork.models import EventSigning
from zhaoshang.org.services import unit_add
from zhaoshang.projects.models import IndustryChain
from zhaoshang.service import services as service
from zhaoshang.service.models import ApprovalItem, RequestCategory, ServiceRequest

D = dt.date


def service_functions() -> dict[str, Callable[..., Any]]:
    found = {}
    for info in pkgutil.walk_packages(zhaoshang.__path__, "zhaoshang."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf != "services" and not leaf.endswith("_services"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__:
                continue
            if "@transaction.atomic" in inspect.getsource(fn).split("def ", 1)[0]:
                found[f"{info.name.removeprefix('zhaoshang.')}.{name}"] = fn
    return found


def database_state() -> dict[str, tuple[int, str]]:
    """Every table: its row count and a hash of all its rows."""
    state = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        rows = list(model._default_manager.order_by("pk").values_list())
        state[model._meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


class World:
    """长乐's officer and what the calls act on, made through the services."""

    def __init__(self, units: Any, owner: Any, outsider: Any) -> None:
        self.units, self.owner, self.outsider = units, owner, outsider
        self.park = unit_add(parent=units.changle, name="东南大数据产业园", kind="park")
        self.bureau = unit_add(parent=units.fuzhou, name="市资源规划局", kind="department")
        self.bureau2 = unit_add(parent=units.fuzhou, name="市人社局", kind="department")
        self.company = CompanyFactory(name="福建东南大数据有限公司")
        self.company2 = CompanyFactory(name="神州优车(福建)有限公司")
        self.project = make_project(
            unit=units.changle, name="长乐数据中心项目", amount="30000", entered_on=D(2016, 1, 5)
        )
        self.project2 = make_project(
            unit=units.changle, name="长乐滨海新城项目", amount="5000", entered_on=D(2016, 2, 1)
        )
        self.chains = [
            IndustryChain.objects.create(name=name, owner=units.fuzhou)
            for name in ("数字经济", "新材料")
        ]

    def team(self, **extra: Any) -> Any:
        data = {"name": "长乐一分队", "unit": self.units.changle, "leader_name": "王区长",
                "members": "张三、李四", "target_cities": "深圳", "is_active": True,
                **extra}  # fmt: skip
        return fieldwork.team_save(data=data, actor=self.owner)

    def trip(self, **extra: Any) -> Any:
        data = {"unit": self.units.changle, "team": None, "leader_name": "王区长",
                "leader_type": "main", "participants": "张三", "people": 3, "cities": "深圳",
                "start_on": D(2017, 3, 1), "end_on": D(2017, 3, 5), "purpose": "拜访企业",
                **extra}  # fmt: skip
        return fieldwork.trip_save(data=data, actor=self.owner)

    def event(self, **extra: Any) -> Any:
        data = {"name": "数字中国建设峰会签约仪式", "kind": "signing", "held_on": D(2017, 5, 18),
                "place": "福州海峡国际会展中心", "unit": self.units.changle, "leaders": "市长",
                "participants": 200, "note": "", **extra}  # fmt: skip
        return fieldwork.event_save(data=data, actor=self.owner)

    def contact(self, **extra: Any) -> Any:
        data = {"kind": "visit", "contacted_on": D(2017, 3, 2), "unit": self.units.changle,
                "company": self.company, "projects": [], "trip": None, "event": None,
                "our_people": "张三", "their_people": "陈总", "outcome": "介绍产业政策",
                "next_step": "", "follow_up_on": None, **extra}  # fmt: skip
        return fieldwork.contact_log(data=data, actor=self.owner)

    def request(self, **extra: Any) -> Any:
        data = {"unit": self.units.changle, "company": self.company, "project": None,
                "category": RequestCategory.objects.filter(owner=None).first(),
                "title": "项目用地指标落实", "description": "用地指标", "department": self.bureau,
                "received_on": D(2017, 3, 1), "due_on": D(2017, 3, 21), **extra}  # fmt: skip
        return service.request_save(data=data, actor=self.owner)

    def approval(self, **extra: Any) -> Any:
        items = ApprovalItem.objects.all()
        data = {"item": items[0], "started_on": D(2017, 3, 1), "finished_on": None,
                "parallel": False, "note": "", **extra}  # fmt: skip
        return service.approval_save(project=self.project, data=data, actor=self.owner)


@pytest.fixture
def world(units, owner, outsider):
    return World(units, owner, outsider)


# ── history: a change to each field a service writes ─────────────────────────────────


def _save_changes(w: World, fields: tuple[str, ...]) -> dict[str, Any]:
    """A new value for every field a *_save service writes."""
    items = list(ApprovalItem.objects.all()[:2])
    categories = list(RequestCategory.objects.filter(owner=None)[:2])
    trip = w.trip(start_on=D(2017, 4, 1), end_on=D(2017, 4, 9))
    event = w.event(name="海交会", held_on=D(2017, 4, 3))
    values = {
        "name": "长乐二分队(更名)", "unit": w.park, "leader_name": "李副区长",
        "members": "张三、李四、王五", "chains": w.chains, "target_cities": "深圳、上海",
        "is_active": False, "team": w.team(name="园区分队", unit=w.park),
        "leader_type": "deputy", "participants": 120, "people": 5, "cities": "上海",
        "start_on": D(2017, 2, 27), "end_on": D(2017, 3, 6), "purpose": "参加推介会",
        "kind": "inspection", "contacted_on": D(2017, 4, 4), "company": w.company2,
        "projects": [w.project2], "trip": trip, "event": event, "our_people": "李四",
        "their_people": "林董", "outcome": "达成合作意向", "next_step": "报送投资协议",
        "follow_up_on": D(2017, 4, 20), "held_on": D(2017, 5, 19), "place": "长乐会展中心",
        "leaders": "区长", "note": "改期一天", "category": categories[1],
        "title": "人才公寓申请", "description": "十套人才公寓", "department": w.bureau2,
        "received_on": D(2017, 3, 2), "due_on": D(2017, 3, 30), "project": w.project,
        "item": items[1], "started_on": D(2017, 2, 27), "finished_on": D(2017, 3, 9),
        "parallel": True,
    }  # fmt: skip
    missing = [f for f in fields if f not in values]
    assert not missing, f"no change given for {missing}: add one to _save_changes"
    return {f: values[f] for f in fields}


def _kind_fix(name: str, changes: dict[str, Any]) -> dict[str, Any]:
    if name == "event_save":  # an event's kind and participants are its own
        changes = {**changes, "kind": "fair", "participants": 300}
    if name == "trip_save":
        changes = {**changes, "participants": "张三、赵六"}
    if name == "contact_log":  # the contact moves onto the trip it now names
        changes = {**changes, "unit": changes["unit"]}
    return changes


SAVE_CASES: dict[str, tuple[Callable[[World], Any], Callable[..., Any], tuple[str, ...], str]] = {
    # service: (make the object, call, fields it writes, keyword of the object)
    "fieldwork.services.team_save": (
        World.team, fieldwork.team_save, fieldwork.TEAM_FIELDS, "team"),
    "fieldwork.services.trip_save": (
        World.trip, fieldwork.trip_save, fieldwork.TRIP_FIELDS, "trip"),
    "fieldwork.services.event_save": (
        World.event, fieldwork.event_save, fieldwork.EVENT_FIELDS, "event"),
    "fieldwork.services.contact_log": (
        World.contact, fieldwork.contact_log, fieldwork.CONTACT_FIELDS, "contact"),
    "service.services.request_save": (
        World.request, service.request_save, service.REQUEST_FIELDS, "request"),
    "service.services.approval_save": (
        World.approval, service.approval_save, service.APPROVAL_FIELDS, "milestone"),
}  # fmt: skip


def assert_history(obj: Any, actor: Any, call: Callable[[], Any], fields: set[str]) -> None:
    """`call` leaves, for each field in `fields` and no other, a before → after entry by
    `actor`, dated now."""
    before = obj.history.order_by("history_id").last()
    started = timezone.now()
    call()
    records = list(obj.history.filter(history_id__gt=before.history_id).order_by("history_id"))
    assert records, "the call left no history row"
    assert [r.history_user for r in records] == [actor] * len(records), "who is missing"
    assert all(r.history_date >= started for r in records)
    delta = records[-1].diff_against(before)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert set(changed) == fields, f"history shows {sorted(changed)}, the call changed {fields}"
    assert all(old != new for old, new in changed.values())


def assert_created_by(obj: Any, actor: Any) -> None:
    created = obj.history.order_by("history_id").first()
    assert created is not None and created.history_type == "+"
    assert created.history_user == actor, "the creation row does not name who made it"


@pytest.mark.parametrize("name", sorted(SAVE_CASES))
def test_a_save_leaves_a_history_entry_per_changed_field(world, name):
    make, call, fields, keyword = SAVE_CASES[name]
    obj = make(world)
    assert_created_by(obj, world.owner)
    changes = _kind_fix(name.rsplit(".", 1)[1], _save_changes(world, fields))
    kwargs = {"project": world.project} if name.endswith("approval_save") else {}
    assert_history(
        obj,
        world.owner,
        lambda: call(data=changes, actor=world.owner, **{keyword: obj}, **kwargs),
        set(changes),
    )


def _request_steps(w: World) -> list[tuple[str, Callable[[Any], Any], set[str]]]:
    return [
        ("service.services.request_progress",
         lambda r: service.request_progress(request=r, note="已现场踏勘", actor=w.owner,
                                            on=D(2017, 3, 5)), {"status"}),
        ("service.services.request_close",
         lambda r: service.request_close(request=r, resolution="已落实用地指标", actor=w.owner,
                                         on=D(2017, 3, 9)), {"status", "closed_on", "resolution"}),
        ("service.services.request_rate",
         lambda r: service.request_rate(request=r, satisfaction=5, actor=w.owner,
                                        comment="满意"),
         {"status", "satisfaction", "rating_comment"}),
    ]  # fmt: skip


def test_each_step_of_a_request_leaves_its_history(world):
    request = world.request()
    for _, step, fields in _request_steps(world):
        assert_history(request, world.owner, lambda s=step: s(request), fields)


def test_an_escalation_leaves_its_history(world):
    request = world.request()
    assert_history(
        request,
        world.owner,
        lambda: service.request_escalate(request=request, actor=world.owner, note="请督办"),
        {"escalated_to", "escalated_on"},
    )


def test_a_follow_up_done_leaves_its_history(world):
    contact = world.contact(follow_up_on=D(2017, 3, 20))
    assert_history(
        contact,
        world.owner,
        lambda: fieldwork.follow_up_done(contact=contact, actor=world.owner, on=D(2017, 3, 21)),
        {"follow_up_done_on"},
    )


def test_a_roster_line_keeps_its_history_when_it_is_removed(world):
    event = world.event()
    signing = fieldwork.event_sign(
        event=event, project=world.project, sign_kind="contract", actor=world.owner
    )
    assert_created_by(signing, world.owner)
    pk = signing.pk
    fieldwork.event_signing_remove(signing=signing, actor=world.owner, note="重复登记")
    assert not EventSigning.objects.filter(pk=pk).exists()
    removed = EventSigning.history.filter(id=pk).order_by("history_id").last()
    assert removed.history_type == "-" and removed.history_user == world.owner
    assert removed.history_change_reason == "重复登记"
    assert removed.project_id == world.project.pk and removed.event_id == event.pk


def test_a_company_change_leaves_its_history(world):
    from zhaoshang.companies.services import company_create, company_update

    company = company_create(name="福建星网锐捷通讯股份有限公司", actor=world.owner)
    assert_created_by(company, world.owner)
    changes = {"name": "星网锐捷", "origin": "foreign", "origin_country": "新加坡",
               "website": "https://www.star-net.cn", "note": "链主企业"}  # fmt: skip
    assert_history(
        company,
        world.owner,
        lambda: company_update(company=company, actor=world.owner, **changes),
        set(changes),
    )


def test_a_target_set_leaves_its_history(world, city_admin):
    from zhaoshang.figures.periods import Period
    from zhaoshang.targets.models import Target
    from zhaoshang.targets.services import TargetValue, targets_set

    period = Period("year", D(2017, 1, 1), D(2017, 12, 31))
    item = TargetValue(unit=world.units.changle, measure="signed_count", value=Decimal("12"))
    targets_set(period=period, items=[item], actor=city_admin)
    target = Target.objects.get()
    assert_created_by(target, city_admin)
    item = TargetValue(unit=world.units.changle, measure="signed_count", value=Decimal("15"))
    assert_history(
        target,
        city_admin,
        lambda: targets_set(period=period, items=[item], actor=city_admin),
        {"value"},
    )


def test_a_project_update_leaves_a_history_entry_per_changed_field(world, teammate):
    from zhaoshang.projects.models import ProjectTag
    from zhaoshang.projects.services import project_update

    project = world.project
    tag = ProjectTag.objects.create(name="省重点储备", owner=world.units.fuzhou)
    changes = {"name": "长乐东南大数据中心项目", "total_investment": Decimal("45000.5"),
               "introducer": "东华软件", "description": "数据中心一期", "tags": [tag]}  # fmt: skip
    assert_history(
        project,
        world.owner,
        lambda: project_update(project=project, actor=world.owner, **changes),
        set(changes),
    )


def test_a_project_sponsor_change_leaves_its_history(world, teammate):
    from zhaoshang.projects.services import project_update

    assert_history(
        world.project,
        world.owner,
        lambda: project_update(project=world.project, actor=world.owner, sponsors=[teammate]),
        {"sponsors"},
    )


def test_a_credit_code_learnt_by_an_import_leaves_its_history(world):
    from zhaoshang.companies.services import company_for_row
    from zhaoshang.lib.uscc import check_character

    company = CompanyFactory(name="旗山湖科技(福建)有限公司")
    code = "91350100MA2XN0JB1" + check_character("91350100MA2XN0JB1")
    assert_history(
        company,
        world.owner,
        lambda: company_for_row(
            name="旗山湖科技", credit_code=code, actor=world.owner, source="导入自 长乐.xlsx"
        ),
        {"credit_code"},
    )


def test_a_company_merge_leaves_the_history_of_both(world):
    from zhaoshang.companies.services import company_merge

    duplicate = CompanyFactory(name="东南大数据")
    assert_history(
        duplicate,
        world.owner,
        lambda: company_merge(keep=world.company, duplicate=duplicate, actor=world.owner),
        {"merged_into"},
    )
    kept = world.company.history.order_by("history_id").last()
    assert kept.history_user == world.owner and kept.history_change_reason.startswith("合并自")


HISTORY_TESTS = {
    "projects.services.project_update", "companies.services.company_merge",
    "service.services.request_progress", "service.services.request_close",
    "service.services.request_rate", "service.services.request_escalate",
    "fieldwork.services.follow_up_done", "fieldwork.services.event_sign",
    "fieldwork.services.event_signing_remove", "companies.services.company_create",
    "companies.services.company_update", "targets.services.targets_set",
    "companies.services.company_for_row",
}  # fmt: skip


# ── refusals: nothing written ────────────────────────────────────────────────────────


NEW_COMPANY = "从未登记过的新企业有限公司"


def _contact_form(w: World, trip: Any) -> Any:
    from zhaoshang.fieldwork.forms import ContactForm

    form = ContactForm(data={"company_name": NEW_COMPANY, "kind": "visit", "unit": "350112",
                             "contacted_on": timezone.localdate().isoformat(),
                             "trip": trip.pk, "outcome": "拜访"}, user=w.owner)  # fmt: skip
    assert form.is_valid(), form.errors
    return form


def _request_form(w: World) -> Any:
    from zhaoshang.service.forms import RequestForm

    form = RequestForm(data={"company_name": NEW_COMPANY, "project_code": w.project.code,
                             "category": RequestCategory.objects.filter(owner=None).first().pk,
                             "title": "用地", "unit": "350112", "department": w.bureau.code,
                             "received_on": "2017-03-01", "due_on": "2017-03-09"},
                       user=w.owner)  # fmt: skip
    assert form.is_valid(), form.errors
    return form


def _refusals(w: World) -> dict[str, Callable[[], Any]]:
    """A refused call of each service, set up before the database is read."""
    from zhaoshang.figures.periods import Period
    from zhaoshang.org.services import user_create
    from zhaoshang.projects import services as projects
    from zhaoshang.targets.services import TargetValue, targets_set

    team, trip, event, contact = w.team(), w.trip(), w.event(), w.contact()
    request, milestone = w.request(), w.approval()
    signing = fieldwork.event_sign(
        event=w.event(name="海交会", held_on=D(2017, 5, 20)), project=w.project2,
        sign_kind="contract", actor=w.owner,
    )  # fmt: skip
    today = timezone.localdate()
    w.project.investor = w.company
    w.project.save(update_fields=["investor"])
    recent_trip = w.trip(
        start_on=today - dt.timedelta(days=10), end_on=today - dt.timedelta(days=8)
    )
    return {
        "fieldwork.services.team_save": lambda: fieldwork.team_save(
            data={"name": "福清分队"}, actor=w.outsider, team=team),
        "fieldwork.services.trip_save": lambda: fieldwork.trip_save(
            data={"end_on": D(2017, 2, 1)}, actor=w.owner, trip=trip),
        "fieldwork.services.event_save": lambda: fieldwork.event_save(
            data={"unit": w.units.fuqing}, actor=w.owner, event=event),
        # A visit typed with a new company that the service refuses (the date is off the
        # trip it names) adds no company: the form's data goes in as the pages send it.
        "fieldwork.services.contact_log": lambda: fieldwork.contact_log(
            data=_contact_form(w, recent_trip).service_data(w.owner), actor=w.owner),
        "fieldwork.services.follow_up_done": lambda: fieldwork.follow_up_done(
            contact=contact, actor=w.owner),
        "fieldwork.services.event_sign": lambda: fieldwork.event_sign(
            event=event, project=w.project, sign_kind="contract", actor=w.outsider),
        "fieldwork.services.event_signing_remove": lambda: fieldwork.event_signing_remove(
            signing=signing, actor=w.owner, note=" "),
        # A request typed with a new company for a project whose investor is another
        # company: refused, and the new company is not left behind.
        "service.services.request_save": lambda: service.request_save(
            data=_request_form(w).service_data(w.owner), actor=w.owner),
        "service.services.request_progress": lambda: service.request_progress(
            request=request, note="", actor=w.owner),
        "service.services.request_close": lambda: service.request_close(
            request=request, resolution="办结", actor=w.outsider),
        "service.services.request_rate": lambda: service.request_rate(
            request=request, satisfaction=5, actor=w.owner),
        "service.services.request_escalate": lambda: service.request_escalate(
            request=ServiceRequest.objects.get(pk=request.pk), actor=w.owner, to=w.units.changle),
        "service.services.approval_save": lambda: service.approval_save(
            project=w.project, data={"finished_on": D(2017, 2, 1)}, actor=w.owner,
            milestone=milestone),
        "companies.services.company_create": lambda: __import__(
            "zhaoshang.companies.services", fromlist=["x"]).company_create(
            name="坏代码企业", credit_code="91350100MA2XXXXXXX", actor=w.owner),
        "companies.services.company_update": lambda: __import__(
            "zhaoshang.companies.services", fromlist=["x"]).company_update(
            company=w.company, actor=w.owner, name=""),
        "companies.services.company_merge": lambda: __import__(
            "zhaoshang.companies.services", fromlist=["x"]).company_merge(
            keep=w.company, duplicate=w.company, actor=w.owner),
        "projects.services.project_move_to_stage": lambda: __import__(
            "zhaoshang.projects.services", fromlist=["x"]).project_move_to_stage(
            project=w.project, stage="signed", effective_on=D(2017, 1, 1), actor=w.outsider),
        "projects.services.project_drop": lambda: __import__(
            "zhaoshang.projects.services", fromlist=["x"]).project_drop(
            project=w.project, effective_on=D(2017, 1, 1), reason="", actor=w.owner),
        "projects.services.project_create": lambda: projects.project_create(
            actor=w.outsider, unit=w.units.changle, name="福清越权登记的项目",
            effective_on=D(2017, 1, 5)),
        "projects.services.stage_entry_correct": lambda: projects.stage_entry_correct(
            entry=w.project.stage_entries.first(), actor=w.owner, note=""),
        "projects.services.stage_entry_retract": lambda: projects.stage_entry_retract(
            entry=w.project.stage_entries.first(), actor=w.owner, note=""),
        "projects.services.project_revive": lambda: projects.project_revive(
            project=w.project, effective_on=D(2017, 1, 1), actor=w.owner),
        "projects.services.capital_arrival_record": lambda: projects.capital_arrival_record(
            project=w.project, amount=Decimal("100"), arrived_on=D(2017, 1, 1),
            actor=w.outsider),
        "targets.services.targets_set": lambda: targets_set(
            period=Period("year", D(2017, 1, 1), D(2017, 12, 31)), actor=w.owner,
            items=[TargetValue(unit=w.units.changle, measure="signed_count",
                               value=Decimal("12"))]),
        "org.services.user_create": lambda: user_create(
            username=w.owner.username, unit=w.units.changle, role="officer",
            password="Zs-demo-2026"),
        "projects.services.project_update": lambda: __import__(
            "zhaoshang.projects.services", fromlist=["x"]).project_update(
            project=w.project, actor=w.outsider, name="福清的改名"),
    }  # fmt: skip


REFUSAL_NAMES = {
    "fieldwork.services.team_save", "fieldwork.services.trip_save",
    "fieldwork.services.event_save", "fieldwork.services.contact_log",
    "fieldwork.services.follow_up_done", "fieldwork.services.event_sign",
    "fieldwork.services.event_signing_remove", "service.services.request_save",
    "service.services.request_progress", "service.services.request_close",
    "service.services.request_rate", "service.services.request_escalate",
    "service.services.approval_save", "companies.services.company_create",
    "companies.services.company_update", "companies.services.company_merge",
    "projects.services.project_move_to_stage", "projects.services.project_drop",
    "projects.services.project_update", "projects.services.project_create",
    "projects.services.stage_entry_correct", "projects.services.stage_entry_retract",
    "projects.services.project_revive", "projects.services.capital_arrival_record",
    "targets.services.targets_set", "org.services.user_create",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(REFUSAL_NAMES))
def test_a_refused_call_changes_no_table(world, name):
    call = _refusals(world)[name]
    before = database_state()
    with pytest.raises((PermissionDenied, ValidationError)):
        call()
    after = database_state()
    assert {t for t in before if before[t] != after[t]} == set()
    assert not Company.objects.filter(name=NEW_COMPANY).exists()


# Services this test does not drive, and why (each is tested where it lives).
NOT_DRIVEN = {
    "projects.services.project_save": "the form-to-service step of project pages and imports, "
    "being reworked with project versioning (another change); projects/tests",
    "projects.services.capital_arrival_correct": "an arrival row is its own history (the "
    "corrected row kept, out of effect, the new one pointing at it); figures/tests",
    "projects.services.capital_arrival_retract": "as capital_arrival_correct",
    "projects.services.capital_arrivals_recalculate": "writes a recalculation row per arrival "
    "(who, when, before → after); figures/tests/test_money_after_the_fact.py",
    "org.services.units_load_divisions": "loads the GB/T 2260 tree from a file; basedata",
    "org.services.unit_add": "adds a unit under a parent; org/tests",
    "org.services.token_create": "tokens are not history-tracked and the call has no refusal",
    "org.services.token_revoke": "as token_create",
    "assessment.services.scheme_save": "a scheme's runs keep their inputs; assessment/tests",
    "assessment.services.scheme_run": "a run is a stored row with its inputs; assessment/tests",
    "assessment.services.run_publish": "a published run cannot change; assessment/tests",
}


def test_every_service_is_driven_or_listed():
    driven = set(SAVE_CASES) | HISTORY_TESTS | REFUSAL_NAMES
    found = set(service_functions())
    assert found - driven - set(NOT_DRIVEN) == set(), "a service neither driven nor listed"
    assert (driven | set(NOT_DRIVEN)) - found == set(), "listed but not a service any more"


def test_the_admin_offers_no_revert_that_bypasses_the_services(client, world, city_admin):
    """The admin's "还原" answered "成功修改" and changed nothing: it is not offered, and a
    posted version is refused with everything left as it was."""
    from zhaoshang.companies.services import company_update

    company_update(company=world.company, actor=world.owner, note="第一版")
    company_update(company=world.company, actor=world.owner, note="第二版")
    first = world.company.history.order_by("history_id").first()
    city_admin.is_staff = city_admin.is_superuser = True
    city_admin.save()
    client.force_login(city_admin)
    url = f"/admin/companies/company/{world.company.pk}/history/{first.history_id}/"
    page = client.get(url)
    assert page.status_code == 200 and "还原" not in page.content.decode()
    before = database_state()
    response = client.post(url, {"name": first.name, "origin": first.origin, "note": ""})
    assert response.status_code == 403
    after = database_state()  # the session is saved on every request (the idle timeout)
    assert {t for t in before if before[t] != after[t]} == {"django_session"}
