"""The class test of issue 12 §2: every write path — each page that takes a POST, each API
write, each command that takes --user or a unit, the importer, the text confirm, the
signing roster, company merge and the admin — tried by a user of another unit against an
object outside their scope is refused (or reported as a clash), and no table changes.

The paths are read from the code (URL patterns, the OpenAPI schema, the CLI parser, the
admin registry), so a new one is tried without anyone adding it here; a path whose object
this file cannot find fails until it is taught how."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver

from zhaoshang.api.api import api
from zhaoshang.assessment.models import Run, Scheme
from zhaoshang.cli import build_parser, main
from zhaoshang.companies.models import CompanyContact
from zhaoshang.factories import CompanyFactory, UserFactory, make_project
from zhaoshang.fieldwork.models import Contact, Event, EventSigning, Team, Trip
from zhaoshang.intake.models import TextCandidate, TextExtraction
from zhaoshang.org.models import Unit, User
from zhaoshang.org.services import token_create
from zhaoshang.projects.models import Project
from zhaoshang.service.models import ApprovalMilestone, ServiceRequest
from zhaoshang.web.tests.checksum import changed, checksum

pytestmark = pytest.mark.slow

# What an attempt may leave behind without changing the books: the clash it reveals and
# the record of the import that was tried.
ATTEMPT_RECORDS = ["intake.clash", "intake.importrun"]
# A user's own account: changing it crosses no unit.
OWN_ACCOUNT = {"account", "login", "logout", "password_change", "password_change_done",
               "set_language", "token_revoke_own"}  # fmt: skip
NAME, INVESTOR = "旗山湖智能装备产业园项目", "福建旗山湖科技有限公司"


class World:
    """The demo city, a 闽清县 project hidden from 福清, and the 福清 officer who tries."""

    def __init__(self) -> None:
        from zhaoshang.demo import load_demo

        load_demo(projects=120, seed=5)
        self.fuqing = Unit.objects.get(code="350181")
        self.minqing = Unit.objects.get(code="350124")
        self.changle = Unit.objects.get(code="350112")
        self.xiamen_district = Unit.objects.get(code="350203")  # 思明区
        self.actor = User.objects.get(username="fuqing")
        self.investor = CompanyFactory(name=INVESTOR)
        self.hidden = make_project(unit=self.minqing, name=NAME, amount="24200",
                                   investor=self.investor)  # fmt: skip
        # Readable by 福清 (it lands there) but not 福清's to change.
        self.readable = make_project(unit=self.changle, name="长乐在福清落地的项目",
                                     region=self.fuqing, investor=CompanyFactory())  # fmt: skip
        self.other_company = CompanyFactory(name="旗山湖科技(福建)有限公司")
        make_project(unit=self.minqing, name="闽清另一个项目", investor=self.other_company)
        CompanyContact.objects.create(company=self.investor, name="林总", title="总经理")
        other = User.objects.get(username="changle")
        self.token_of_other, _ = token_create(user=other, name="长乐的令牌")
        self.extraction = TextExtraction.objects.create(unit=self.changle, raw="x", text="x",
                                                        created_by=other)  # fmt: skip
        TextCandidate.objects.create(extraction=self.extraction, position=0, data={"name": NAME})
        self.scope = Unit.objects.subtree(self.fuqing)
        from zhaoshang.projects.services import capital_arrival_record

        self.arrival = capital_arrival_record(
            project=self.hidden, amount=Decimal("1210"), arrived_on=dt.date(2024, 6, 18), actor=None
        )
        from zhaoshang.fieldwork.services import event_sign

        event = Event.objects.exclude(unit__in=self.scope).filter(held_on__lte=dt.date.today())
        event_sign(event=event.order_by("pk").first(), project=self.hidden, sign_kind="contract",
                   actor=None)  # fmt: skip

    def outside(self, model: type, **filters: Any) -> Any:
        """An object of `model` owned outside 福清 (the first found)."""
        qs = model.objects.filter(**filters)
        field = {ApprovalMilestone: "project__unit", Run: "scheme__owner",
                 Scheme: "owner"}.get(model, "unit")  # fmt: skip
        found = qs.exclude(**{f"{field}__in": self.scope}).order_by("pk").first()
        assert found is not None, f"演示数据里没有福清以外的{model.__name__}"
        return found


@pytest.fixture
def world(units) -> World:
    return World()


def _path_args(world: World, name: str, params: list[str]) -> dict[str, Any]:
    """The out-of-scope object a URL pattern's parameters name, by the pattern's name."""
    by_prefix = {"team": Team, "trip": Trip, "contact": Contact, "event": Event,
                 "request": ServiceRequest, "scheme": Scheme, "run": Run}  # fmt: skip
    args: dict[str, Any] = {}
    if "code" in params:
        args["code"] = world.hidden.code
    if name.startswith("approval"):
        milestone = world.outside(ApprovalMilestone)
        args["code"] = milestone.project.code
        if "pk" in params:
            args["pk"] = milestone.pk
    elif name.startswith("company"):
        args["pk"] = world.investor.pk
    elif name.startswith("arrival") and "pk" in params:
        args["pk"] = world.arrival.pk
    elif name == "token_revoke":
        args["pk"] = world.token_of_other.pk
    elif name == "text_review":
        args["pk"] = world.extraction.pk
    elif name == "event_signing_delete":
        signing = EventSigning.objects.exclude(event__unit__in=world.scope).first()
        args.update(pk=signing.event_id, signing_pk=signing.pk)
    elif "pk" in params and name.split("_")[0] in by_prefix:
        args["pk"] = world.outside(by_prefix[name.split("_")[0]]).pk
    missing = set(params) - set(args)
    assert not missing, f"{name}:不知道参数 {missing} 指向哪个对象,请在本测试中补上"
    return args


def _payload(world: World) -> dict[str, Any]:
    """A form post naming out-of-scope objects wherever a form could take one."""
    hidden = world.hidden
    return {
        "duplicate": world.other_company.pk, "project": hidden.pk, "project_code": hidden.code,
        "projects": [hidden.pk], "code": hidden.code, "unit": "350124", "region": "350124",
        "name": NAME, "company": INVESTOR, "company_name": INVESTOR, "stage": "signed",
        "effective_on": "2022-01-27", "held_on": "2022-01-27", "contacted_on": "2022-01-27",
        "total_investment": "99000", "sign_kind": "contract", "amount": "99000",
        "outcome": "洽谈顺利", "note": "测试", "title": "用地", "department": "",
        "candidate": world.extraction.candidates.first().pk, "action": "confirm",
        "arrived_on": "2022-01-27", "currency": "CNY", "period": "2022",
    }  # fmt: skip


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    out = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith(("admin/", "api/")):
                continue  # tried below, from their own registries
            out += _patterns(p, route)
        else:
            out.append((route, p))
    return out


def _fill(route: str, args: dict[str, Any]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args[m.group(1)]), route)


@pytest.mark.parametrize("who", ["fuqing", "xiamen_admin"])
def test_every_page_that_takes_a_post_refuses_another_units_objects(client, world, who):
    """An officer of 福清, and a city administrator of 厦门 (another city)."""
    if who == "xiamen_admin":
        UserFactory(username=who, unit=Unit.objects.get(code="350200"), role="city_admin")
    client.force_login(User.objects.get(username=who))
    tried = []
    before = checksum()
    for route, pattern in _patterns(get_resolver()):
        if pattern.name in OWN_ACCOUNT or route.startswith("i18n"):
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        url = _fill(route, _path_args(world, pattern.name or route, params))
        response = client.post(url, _payload(world))
        assert response.status_code < 500, url
        assert changed(before, checksum()) == [], url
        tried.append(pattern.name)
    assert {"company_merge", "project_edit", "event_detail", "text_review"} <= set(tried)


def _api_value(world: World, name: str, schema: dict[str, Any]) -> Any:
    hidden = world.hidden
    by_name = {"unit": "350124", "region": "350124", "code": hidden.code, "project": hidden.code,
               "projects": [hidden.code], "name": NAME, "investor_name": INVESTOR,
               "company": INVESTOR, "stage": "signed", "sign_kind": "contract",
               "currency": "CNY", "kind": "visit", "outcome": "洽谈顺利"}  # fmt: skip
    if name in by_name:
        return by_name[name]
    kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
    if schema.get("format") == "date" or name.endswith("_on"):
        return "2022-01-27"
    if "array" in kinds:
        return []
    if "boolean" in kinds:
        return False
    if "integer" in kinds:
        return 1
    return "99000" if "amount" in name or "investment" in name else "测试"


def test_every_api_write_refuses_another_units_objects(client, world):
    _, raw = token_create(user=world.actor, name="测试")
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    tried = []
    before = checksum()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            url = path.replace("/api/v1", "/api/v1", 1)
            for param in re.findall(r"{(\w+)}", path):
                value = world.hidden.code if param == "code" else world.outside(Contact).pk
                url = url.replace(f"{{{param}}}", str(value))
            body = {}
            ref = (operation.get("requestBody", {}).get("content", {})
                   .get("application/json", {}).get("schema", {}).get("$ref"))  # fmt: skip
            if ref:
                props = components[ref.rsplit("/", 1)[1]].get("properties", {})
                body = {k: _api_value(world, k, v) for k, v in props.items()}
            response = getattr(client, method)(url, body, content_type="application/json",
                                               HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip
            assert response.status_code in (403, 404, 422), (url, response.content)
            assert changed(before, checksum()) == [], url
            tried.append((method, path))
    assert len(tried) >= 5


def _subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[Any]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += _subcommands(sub, (*prefix, name))
    if not out and prefix:
        out.append((prefix, {o for a in parser._actions for o in a.option_strings}))
    return out


def _sheet(path, rows, header):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return str(path)


# The operator's own commands: they act on the whole installation, for no unit.
OPERATOR = {("user", "create"): "the operator creates users in any unit",
            ("unit", "add"): "the operator adds units anywhere"}  # fmt: skip


def test_every_command_taking_a_user_or_unit_refuses_another_units_objects(world, tmp_path):
    projects = _sheet(tmp_path / "福清.xlsx", [[NAME, INVESTOR, 99000, "2022年1月27日"]],
                      ["项目名称", "投资方", "总投资(万元)", "入库时间"])  # fmt: skip
    contacts = _sheet(tmp_path / "对接.xlsx",
                      [["2022年1月27日", INVESTOR, "拜访", world.hidden.code, "洽谈顺利"]],
                      ["日期", "企业名称", "方式", "项目编号", "洽谈情况"])  # fmt: skip
    targets = _sheet(tmp_path / "目标.xlsx", [["长乐区", 5]], ["单位", "签约项目数"])
    text = tmp_path / "简报.txt"
    text.write_text(f"我区与{INVESTOR}签约{NAME},总投资9.9亿元。", encoding="utf-8")
    scenarios = {
        ("import", "projects"): [[projects, "--unit", "福清市"],
                                 [projects, "--unit", "福清市", "--user", "fuqing"]],
        ("import", "contacts"): [[contacts, "--unit", "福清市"]],
        ("import", "targets"): [[targets, "--period", "2022", "--unit", "福清市"]],
        ("briefing",): [["--unit", "长乐区", "--as-of", "2022-03-31", "--user", "fuqing"]],
        ("export", "projects"): [["--unit", "福清市", "-o", str(tmp_path / "x.xlsx")]],
        ("snapshot",): [["--unit", "福清市", "--as-of", "2022-03-31"]],
        ("extract",): [[str(text), "--unit", "福清市"]],
        ("fx", "recalculate"): [["--month", "2024-06-01", "--user", "fuqing",
                                 "--reason", "汇率更正"]],
    }  # fmt: skip
    for command, options in _subcommands(build_parser()):
        if not options & {"--user", "--unit", "--parent"}:
            continue
        if command in OPERATOR:
            continue
        assert command in scenarios, f"{' '.join(command)}:请在本测试中加上它的越权场景"
        for args in scenarios[command]:
            before = checksum(ignore=ATTEMPT_RECORDS)
            main([*command, *args])
            assert changed(before, checksum(ignore=ATTEMPT_RECORDS)) == [], (command, args)
    world.hidden.refresh_from_db()
    assert world.hidden.total_investment == Decimal("24200")


@pytest.fixture
def staff(world):
    """The worst case the admin allows: a city administrator of 厦门 holding every
    permission the admin knows (but not a superuser)."""
    user = UserFactory(username="xiamen_admin", unit=Unit.objects.get(code="350200"),
                       role="city_admin", is_staff=True)  # fmt: skip
    user.user_permissions.add(*Permission.objects.all())
    return user


def test_every_admin_screen_refuses_another_citys_objects(client, world, staff):
    client.force_login(staff)
    tried = 0
    before = checksum()
    for model in list(admin.site._registry):
        meta = model._meta
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        outside = {k: world.fuqing.pk for k in ("unit", "parent", "owner", "city", "region",
                                                 "park", "responsible_unit")}  # fmt: skip
        for url, data in ((f"{base}{obj.pk}/change/", {"name": "厦门改的", **outside}),
                          (f"{base}{obj.pk}/delete/", {"post": "yes"}),
                          (f"{base}add/", outside)):  # fmt: skip
            client.post(url, data)
            assert changed(before, checksum()) == [], url
            tried += 1
    assert tried > 20


def test_the_admin_offers_only_units_within_the_admins_scope(client, world):
    """The 所在地 of a project accepted a district of another city: the project became
    readable there."""
    changle_admin = UserFactory(username="changle_admin", unit=world.changle,
                                role="city_admin", is_staff=True)  # fmt: skip
    changle_admin.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_project", "change_project"]))  # fmt: skip
    client.force_login(changle_admin)
    project = world.readable
    url = f"/admin/projects/project/{project.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({f"{k}-TOTAL_FORMS": "0" for k in ("stage_entries", "arrivals")})
    data.update({f"{k}-INITIAL_FORMS": "0" for k in ("stage_entries", "arrivals")})
    data["region"] = world.xiamen_district.pk
    before = checksum()
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert changed(before, checksum()) == []
    assert not Project.objects.filter(region=world.xiamen_district).exists()
    for name in ("unit", "region", "park", "responsible_unit"):
        queryset = form.fields[name].queryset
        assert not queryset.exclude(path__startswith=Unit.objects.get(code="350100").path).exists()
