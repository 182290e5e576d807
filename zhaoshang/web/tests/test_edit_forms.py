"""Every edit form of the product, submitted exactly as its page renders it, changes nothing.

The forms are found from the code: every workspace URL named `*_edit` and every admin
change page (`admin:*_change`) the admin lets a city administrator use. Each opens a record
with every field filled (checked below, so a new field must be filled here too); the page's
form is sent back as a browser would send it; then no column, no many-to-many set and no
history row may have changed. A new edit form without a record here fails the test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhaoshang.companies.models import Company, CompanyContact, CompanyTag
from zhaoshang.factories import CompanyFactory, UserFactory, make_project
from zhaoshang.fieldwork.models import Contact, Event, Team, Trip
from zhaoshang.intake.models import MappingTemplate
from zhaoshang.org.models import Unit, User
from zhaoshang.projects.models import (
    Channel,
    FxRate,
    IndustryChain,
    Project,
    ProjectKind,
    ProjectTag,
)
from zhaoshang.service.models import (
    ApprovalItem,
    ApprovalMilestone,
    RequestCategory,
    ServiceRequest,
)
from zhaoshang.targets.models import Target

DAY = dt.date(2022, 1, 27)
# Columns that cannot hold a value on a record that is still edited, with the reason.
EMPTY_ALLOWED = {
    (Company, "merged_into"): "a merged company is no longer edited",
    (Project, "drop_reason"): "only a dropped project has one",
    (Contact, "follow_up_done_on"): "set by 已跟进, not by the form",
    (ServiceRequest, "escalated_to"): "set by 督办, not by the form",
    (ServiceRequest, "escalated_on"): "set by 督办, not by the form",
    (ServiceRequest, "closed_on"): "set by 办结, not by the form",
    (ServiceRequest, "resolution"): "set by 办结, not by the form",
    (ServiceRequest, "satisfaction"): "set by 评价, not by the form",
    (ServiceRequest, "rating_comment"): "set by 评价, not by the form",
    (User, "last_login"): "set by signing in",
}


def _walk(patterns: list[Any], prefix: str = "") -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            names += _walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            names.append(prefix + p.name)
    return names


def workspace_edit_urls() -> list[str]:
    """Edit pages of one record (`*_edit`) and of a grid of records (`*_grid`)."""
    names = _walk(get_resolver().url_patterns)
    return sorted(n for n in names if n.endswith(("_edit", "_grid")) and ":" not in n)


def admin_changeable_models(user: User) -> list[type[models.Model]]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return [
        model
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_change_permission(request)
    ]


# ── records with every field filled ───────────────────────────────────────────────


class World:
    """The things records point at, made once per test."""

    def __init__(self, units: Any, admin_user: User) -> None:
        self.units, self.user = units, admin_user
        self.park = Unit.objects.create(
            code="350112P01",
            name="长乐数字福建产业园",
            kind="park",
            parent=units.changle,
            path=f"{units.changle.path}P01/",
        )
        self.department = Unit.objects.create(
            code="350100D01",
            name="福州市商务局",
            kind="department",
            parent=units.fuzhou,
            path=f"{units.fuzhou.path}D01/",
        )
        self.leader = UserFactory(
            username="changle_lead", display_name="陈副区长", unit=units.changle, role="leader"
        )
        self.company = CompanyFactory(
            name="神州优车(福建)有限公司", credit_code="91350100M000100Y43"
        )
        self.company2 = CompanyFactory(name="国信优易数据股份有限公司")
        self.chain = IndustryChain.objects.get_or_create(name="数字经济")[0]
        self.kind = ProjectKind.objects.get_or_create(name="新设")[0]
        self.channel = Channel.objects.get_or_create(name="以商招商")[0]
        self.tag = ProjectTag.objects.get_or_create(name="数字经济")[0]
        self.item = ApprovalItem.objects.get_or_create(name="环评")[0]
        self.category = RequestCategory.objects.get_or_create(name="用地")[0]
        self.parent_project = make_project(unit=units.changle, name="长乐数字经济产业园母项目")
        self.project = self._project()

    def _project(self) -> Project:
        u = self.units
        return make_project(
            unit=u.changle,
            name="长乐东南大数据中心项目",
            amount="756200",
            entered_on=DAY,
            region=u.changle,
            park=self.park,
            responsible_unit=self.department,
            investor=self.company,
            chain=self.chain,
            kind=self.kind,
            channel=self.channel,
            tags=[self.tag],
            sponsors=[self.leader],
            introducer="林先生",
            introducer_company=self.company2,
            parent=self.parent_project,
            is_provincial_key=True,
            is_city_key=True,
            total_investment_approx=True,
            contracted_foreign=Decimal("1200.5"),
            foreign_target=Decimal("800"),
            expected_arrival_on=dt.date(2026, 3, 1),
            expected_arrival_amount=Decimal("3000"),
            description="约3亿元,建设数据中心及配套设施。",
            actor=self.user,
        )

    def team(self) -> Team:
        team = Team.objects.create(
            name="长乐区第一招商小分队",
            unit=self.units.changle,
            leader_name="陈副区长",
            members="张三、李四",
            target_cities="北京、深圳",
            is_active=True,
        )
        team.chains.set([self.chain])
        return team

    def trip(self) -> Trip:
        return Trip.objects.create(
            unit=self.units.changle,
            team=self.team(),
            leader_name="陈副区长",
            leader_type="main",
            participants="张三、李四",
            people=3,
            cities="北京、杭州",
            start_on=DAY,
            end_on=DAY + dt.timedelta(days=2),
            purpose="拜访数字经济企业",
            created_by=self.user,
        )

    def event(self) -> Event:
        return Event.objects.create(
            name="2022年数字中国建设峰会签约仪式",
            kind="signing",
            held_on=DAY,
            place="福州海峡国际会展中心",
            unit=self.units.changle,
            leaders="市委书记",
            participants=200,
            note="合计8个项目,总投资额238.3亿元",
            created_by=self.user,
        )

    def contact(self) -> Contact:
        contact = Contact.objects.create(
            kind="visit",
            contacted_on=DAY,
            unit=self.units.changle,
            company=self.company,
            trip=self.trip(),
            event=self.event(),
            our_people="张三",
            their_people="王总",
            outcome="初步同意在长乐设立区域总部",
            next_step="报送项目计划书",
            follow_up_on=DAY + dt.timedelta(days=30),
            recorded_by=self.user,
            source="手工登记",
        )
        contact.projects.set([self.project])
        return contact

    def request(self) -> ServiceRequest:
        return ServiceRequest.objects.create(
            unit=self.units.changle,
            company=self.company,
            project=self.project,
            category=self.category,
            title="用地指标协调",
            description="二期用地需调规",
            department=self.department,
            received_on=DAY,
            due_on=DAY + dt.timedelta(days=20),
            created_by=self.user,
        )

    def approval(self) -> ApprovalMilestone:
        return ApprovalMilestone.objects.create(
            project=self.project,
            item=self.item,
            started_on=DAY,
            finished_on=DAY + dt.timedelta(days=3),
            parallel=True,
            note="并联审批",
            recorded_by=self.user,
        )

    def choice(self, model: type[models.Model]) -> Any:
        return model.objects.create(
            name="新能源汽车", owner=self.units.fuzhou, sort_order=3, is_active=True
        )  # type: ignore[attr-defined]

    def company_record(self) -> Company:
        company = self.company
        company.origin, company.origin_country = "hmt", "中国香港"
        company.website, company.note = "https://ucar.example.cn", "链主企业"
        company.save()
        company.tags.set([CompanyTag.objects.get_or_create(name="链主")[0]])
        return company

    def user_record(self) -> User:
        user = self.leader
        user.first_name, user.last_name, user.email = "建国", "陈", "chen@changle.gov.cn"
        user.is_staff = user.is_superuser = True
        user.save()
        user.groups.set([Group.objects.create(name="区领导")])
        user.user_permissions.set([Permission.objects.get(codename="view_project")])
        return user


def _workspace_record(w: World, name: str) -> tuple[models.Model, str]:
    if name == "project_edit":
        return w.project, reverse(name, args=[w.project.code])
    if name == "target_grid":
        target = Target.objects.create(
            unit=w.units.changle,
            measure="signed_count",
            period_kind="quarter",
            start=dt.date(2017, 1, 1),
            end=dt.date(2017, 3, 31),
            value=Decimal("12"),
            set_by=w.user,
            source="市招商办下达",
        )
        return target, reverse(name) + "?period=2017Q1&unit=350100"
    if name == "approval_edit":
        approval = w.approval()
        return approval, reverse(name, args=[w.project.code, approval.pk])
    makers = {
        "team_edit": w.team,
        "trip_edit": w.trip,
        "contact_edit": w.contact,
        "event_edit": w.event,
        "request_edit": w.request,
    }
    if name not in makers:
        pytest.fail(f"{name}: no fully filled record for this edit form here")
    obj = makers[name]()
    return obj, reverse(name, args=[obj.pk])


def _admin_record(w: World, model: type[models.Model]) -> models.Model:
    makers: dict[type[models.Model], Any] = {
        Project: lambda: w.project,
        Company: w.company_record,
        CompanyTag: lambda: CompanyTag.objects.update_or_create(
            name="世界500强", defaults={"sort_order": 1}
        )[0],
        CompanyContact: lambda: CompanyContact.objects.create(
            company=w.company,
            name="王总",
            title="总经理",
            phone="0591-88888888",
            email="wang@ucar.example.cn",
            note="首次对接人",
            created_by=w.user,
        ),
        Unit: lambda: _filled_unit(w.park),
        User: w.user_record,
        FxRate: lambda: FxRate.objects.create(
            month=dt.date(2022, 1, 1), cny_per_usd=Decimal("6.3794"), source="国家外汇管理局"
        ),
        MappingTemplate: lambda: MappingTemplate.objects.create(
            city=w.units.fuzhou,
            signature="a1b2c3",
            headers=["项目名称", "总投资(亿元)"],
            mapping={"0": "name", "1": "total_investment"},
            saved_by=w.user,
        ),
        Group: lambda: _filled_group(),
        **{
            m: (lambda m=m: w.choice(m))
            for m in (
                IndustryChain,
                Channel,
                ProjectKind,
                ProjectTag,
                RequestCategory,
                ApprovalItem,
            )
        },
    }
    if model not in makers:
        pytest.fail(f"admin change page of {model.__name__} has no fully filled record here")
    return makers[model]()


def _filled_group() -> Group:
    group = Group.objects.create(name="招商专员")
    group.permissions.set([Permission.objects.get(codename="change_project")])
    return group


def _filled_unit(unit: Unit) -> Unit:
    unit.project_code_prefix, unit.stalled_after_days = "CLP", 45
    unit.save()
    return unit


# ── the state a submission must not change ─────────────────────────────────────────


def _unfilled(obj: models.Model) -> list[str]:
    empty = []
    for f in obj._meta.get_fields():
        if (
            (type(obj), f.name) in EMPTY_ALLOWED
            or f.auto_created
            or not getattr(f, "editable", False)
        ):
            continue
        if f.many_to_many:
            value: Any = list(getattr(obj, f.name).all())
        elif f.concrete:
            value = getattr(obj, f.attname)  # type: ignore[union-attr]
        else:
            continue
        if value in (None, "", [], {}, False):
            empty.append(f.name)
    return empty


def _state(obj: models.Model) -> dict[str, Any]:
    model = type(obj)
    row = model._default_manager.filter(pk=obj.pk).values()[0]  # type: ignore[misc]
    for f in model._meta.many_to_many:
        row[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return row


def _history_rows() -> int:
    return sum(
        m._default_manager.count() for m in apps.get_models() if m.__name__.startswith("Historical")
    )


def _resubmit(client: Any, url: str, obj: models.Model) -> None:
    from zhaoshang.web.tests.formdata import form_data

    obj = type(obj)._default_manager.get(pk=obj.pk)
    assert _unfilled(obj) == [], f"{url}: fill every field of the record"
    page = client.get(url)
    assert page.status_code == 200, url
    data, _ = form_data(page.content.decode(), url)
    before, history = _state(obj), _history_rows()
    response = client.post(url, data)
    assert response.status_code == 302, (
        f"{url}: the unchanged form was refused: {_errors(response)}"
    )
    after = _state(obj)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {}, f"{url}: submitting the form unchanged changed {changed}"
    assert _history_rows() == history, f"{url}: submitting the form unchanged wrote history"


def _errors(response: Any) -> str:
    context = response.context or {}
    for key in ("form", "adminform"):
        form = context.get(key)
        if form is not None:
            return str(getattr(form, "form", form).errors.as_data())
    return response.content.decode()[:300]


@pytest.fixture
def admin_user(units: Any) -> User:
    return UserFactory(
        username="fuzhou_root",
        unit=units.fuzhou,
        role="city_admin",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def world(units: Any, admin_user: User) -> World:
    return World(units, admin_user)


@pytest.mark.parametrize("name", workspace_edit_urls())
def test_workspace_edit_form_submitted_unchanged_changes_nothing(
    client: Any, admin_user: User, world: World, name: str
) -> None:
    obj, url = _workspace_record(world, name)
    client.force_login(admin_user)
    _resubmit(client, url, obj)


def _admin_models() -> list[str]:
    return sorted(f"{m._meta.app_label}.{m.__name__}" for m in admin.site._registry)


@pytest.mark.parametrize("label", _admin_models())
def test_admin_change_form_submitted_unchanged_changes_nothing(
    client: Any, admin_user: User, world: World, label: str
) -> None:
    model = apps.get_model(label)
    if model._meta.app_label == "axes":
        pytest.skip("the sign-in lockout log (django-axes) is a record of attempts, not edited")
    if model not in admin_changeable_models(admin_user):
        pytest.skip(f"{label} is read-only in the admin")
    obj = _admin_record(world, model)
    client.force_login(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    _resubmit(client, url, obj)
