"""No text a user typed runs as script in another user's browser.

Generated from the code: every CharField/TextField of every model of the product is filled
with a script payload (the demo city gives every model rows), then every page of the URL
patterns (real codes and ids substituted) and of the admin is opened in chromium as the
city administrator, with its charts' tooltips shown, its dialogs opened and its company
suggestions typed into. The test fails when the payload runs (`window.__xss`), a dialog
opens, the page logs an error, the browser reports a Content-Security-Policy violation,
or an HTML page is served without a CSP that forbids inline script."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import Max, Value
from django.db.models.functions import Cast, Concat
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from zhaoshang.web.tests.browsing import BROWSER_MARKS, Session

pytestmark = [m for m in BROWSER_MARKS if m.name != "django_db"]

PAYLOAD = "\"'><img src=x onerror=__xss=1><script>__xss=1</script>"
SHORT = "<img src=x onerror=__xss=1>"

# Text columns that hold no text a user types, or that are keys the product makes and
# checks (a payload there would break the URL, not test escaping).
NOT_TEXT = {
    "org.Unit.code": "GB/T 2260 code: the key of every URL and filter",
    "org.Unit.path": "the materialised tree path the subtree queries read",
    "org.Unit.project_code_prefix": "made into project codes, checked as letters",
    "org.User.password": "a password hash",
    "org.User.username": "validated by Django ([\\w.@+-]); the sign-in name",
    "org.AccessToken.prefix": "the start of a random token",
    "org.AccessToken.key_hash": "a hash",
    "companies.Company.credit_code": "an 18-character code with a check character",
    "companies.HistoricalCompany.credit_code": "as Company.credit_code",
    "projects.Project.code": "the public code the system makes (FZ-2022-0001), in URLs",
    "projects.HistoricalProject.code": "as Project.code",
    "org.HistoricalUnit.code": "as Unit.code",
    "org.HistoricalUnit.path": "as Unit.path",
    "org.HistoricalUnit.project_code_prefix": "as Unit.project_code_prefix",
    "projects.CodeSequence.prefix": "as Unit.project_code_prefix",
    "intake.MappingTemplate.signature": "a hash of a sheet's headers",
}
# Models of the product that have text columns but no rows in the demo city, and why.
NO_ROWS: dict[str, str] = {}

# URL parameters of each page, from the rows the demo made (a new page with parameters
# fails the test until it is listed here).
PAGE_KWARGS: dict[str, Callable[[], dict[str, Any]]] = {}


def _first(label: str) -> Any:
    return apps.get_model(label).objects.order_by("pk").first()


def _pk(label: str) -> Callable[[], dict[str, Any]]:
    return lambda: {"pk": _first(label).pk}


PAGE_KWARGS.update(
    {
        name: (lambda: {"code": _first("projects.Project").code})
        for name in (
            "project_detail",
            "project_edit",
            "project_move",
            "arrival_create",
            "approval_create",
        )
    }
)
PAGE_KWARGS.update(
    {
        "approval_edit": lambda: {
            "code": _first("service.ApprovalMilestone").project.code,
            "pk": _first("service.ApprovalMilestone").pk,
        },
        "arrival_fix": lambda: {
            "code": _first("projects.CapitalArrival").project.code,
            "pk": _first("projects.CapitalArrival").pk,
        },
        "company_detail": _pk("companies.Company"),
        "company_merge": _pk("companies.Company"),
        "text_review": _pk("intake.TextExtraction"),
        "team_detail": _pk("fieldwork.Team"),
        "team_edit": _pk("fieldwork.Team"),
        "trip_detail": _pk("fieldwork.Trip"),
        "trip_edit": _pk("fieldwork.Trip"),
        "contact_detail": _pk("fieldwork.Contact"),
        "contact_edit": _pk("fieldwork.Contact"),
        "contact_follow_up_done": _pk("fieldwork.Contact"),
        "event_detail": lambda: {"pk": _first("fieldwork.EventSigning").event_id},
        "event_edit": lambda: {"pk": _first("fieldwork.EventSigning").event_id},
        "event_signing_delete": lambda: {
            "pk": _first("fieldwork.EventSigning").event_id,
            "signing_pk": _first("fieldwork.EventSigning").pk,
        },
        "request_detail": _pk("service.ServiceRequest"),
        "request_edit": _pk("service.ServiceRequest"),
        "scheme_detail": _pk("assessment.Scheme"),
        "run_detail": _pk("assessment.Run"),
        "run_publish": _pk("assessment.Run"),
        "token_revoke": _pk("org.AccessToken"),
    }
)
# Pages that are not the product's own HTML: the API answers JSON (its docs page is
# opened), the language switch and sign-out only redirect.
SKIP_PREFIXES = ("api/", "i18n/", "accounts/logout/", "admin/")
EXTRA_PAGES = [
    "/api/v1/docs",
    "/?period=year&year={year}",
    "/briefing/?unit=350100&as_of={today}",
    "/lists/expected-arrivals/?period={year}",
    "/projects/?q=img",
    "/companies/?q=img",
]


def product_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("zhaoshang.")]


def text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f"{model._meta.label}.{f.name}" not in NOT_TEXT
    ]


def poisoned(field: models.Field[Any, Any], longest_key: int) -> Any:
    """The row's key and the payload (unique names stay unique), as long as the column
    takes (PostgreSQL refuses a longer varchar)."""
    limit = getattr(field, "max_length", None) or 10_000
    for payload in (PAYLOAD, SHORT):
        if longest_key + len(payload) <= limit:
            return Concat(Cast("pk", models.CharField()), Value(payload))
    raise AssertionError(f"{field} ({limit}) is too short for the payload")


def tracked_models() -> list[type[models.Model]]:
    return [m for m in product_models() if hasattr(m, "history") and hasattr(m, "_meta")
            and not m.__name__.startswith("Historical")]  # fmt: skip


def save_one_of_each_tracked() -> None:
    """A history row for each model that keeps one (the demo bulk-loads its rows)."""
    for model in tracked_models():
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the demo made no {model._meta.label}"
        obj.save()


def fill_every_text_field() -> dict[str, int]:
    filled = {}
    for model in product_models():
        fields = text_fields(model)
        if not fields:
            continue
        label = model._meta.label
        rows = model._default_manager.all()
        count = rows.count()
        if not count:
            assert label in NO_ROWS, f"{label} has text fields but no rows to fill"
            continue
        longest = len(str(rows.aggregate(m=Max("pk"))["m"]))
        rows.update(**{f.attname: poisoned(f, longest) for f in fields})
        filled[label] = count
    return filled


def _patterns(resolvers: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def product_pages() -> list[str]:
    urls = []
    for route, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES):
            continue
        assert pattern.name, f"{route} has no name"
        if pattern.pattern.converters:
            assert pattern.name in PAGE_KWARGS, f"no sample for the parameters of {route}"
            urls.append(reverse(pattern.name, kwargs=PAGE_KWARGS[pattern.name]()))
        else:
            urls.append(reverse(pattern.name))
    today = dt.date.today()
    urls += [u.format(year=today.year, today=today.isoformat()) for u in EXTRA_PAGES]
    return urls


def admin_pages() -> list[str]:
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        if isinstance(model_admin, SimpleHistoryAdmin):
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
            version = obj.history.order_by("history_id").first()  # type: ignore[attr-defined]
            if version is not None:
                urls.append(
                    reverse(
                        "admin:{}_{}_simple_history".format(*info),
                        args=[obj.pk, version.history_id],
                    )
                )
    return urls


WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""
HOVER = """
() => {
  var shown = 0;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = window.echarts && echarts.getInstanceByDom(el);
    if (!chart) { return; }
    (chart.getOption().series || []).forEach(function (s, si) {
      (s.data || []).forEach(function (_, di) {
        chart.dispatchAction({ type: "showTip", seriesIndex: si, dataIndex: di });
        shown += 1;
      });
    });
  });
  return shown;
}
"""
OPEN_DIALOGS = """
() => {
  var opened = 0;
  if (!window.bootstrap) { return 0; }
  document.querySelectorAll(".modal").forEach(function (m) {
    bootstrap.Modal.getOrCreateInstance(m).show(); opened += 1;
  });
  return opened;
}
"""


def visit(s: Session, path: str, problems: list[str]) -> dict[str, int]:
    """Open one page and do what a reader does; what went wrong goes into `problems`."""
    seen = {"hovered": 0, "dialogs": 0, "typed": 0}
    head = s.context.request.get(s.base + path, max_redirects=0)
    if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
        return seen
    policy = head.headers.get("content-security-policy", "")
    script_src = next(
        (d for d in policy.split(";") if d.strip().startswith(("script-src ", "default-src "))),
        "",
    )
    if not policy or "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"{path}: Content-Security-Policy {policy!r} allows inline script")
    page = s.page
    page.goto(s.base + path)
    page.wait_for_load_state("load")
    if page.locator("[data-chart]").count():
        page.wait_for_function("document.querySelector('[data-chart] canvas') !== null")
        seen["hovered"] = page.evaluate(HOVER)
        for box in page.locator("[data-chart]").all():
            box.hover()
    seen["dialogs"] = page.evaluate(OPEN_DIALOGS)
    for field in page.locator("input[list]").all():
        field.fill("img")
        page.wait_for_timeout(400)  # the suggestions come after a 200 ms pause
        seen["typed"] += 1
    page.wait_for_timeout(50)
    if page.evaluate("window.__xss"):
        problems.append(f"{path}: the payload ran")
    problems.extend(f"{path}: CSP violation {v}" for v in page.evaluate("window.__csp || []"))
    return seen


def console_error(message: Any, url: str, problems: list[str]) -> None:
    # A fragment (the company suggestions) opened as a page makes chromium ask for
    # /favicon.ico; that 404 is not the page's.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        problems.append(f"{url}: console {message.text}")


@pytest.mark.django_db(transaction=True)
def test_no_typed_text_runs_as_script_on_any_page(browser, live_server, units):
    from zhaoshang.companies.models import CompanyContact
    from zhaoshang.demo import load_demo
    from zhaoshang.intake.models import Clash, ClashKind, ImportRun
    from zhaoshang.intake.texts import extraction_create
    from zhaoshang.org.models import Unit, User
    from zhaoshang.org.services import token_create
    from zhaoshang.projects.models import Project

    load_demo(projects=40, seed=7)
    admin_user = User.objects.get(username="admin")
    company = _first("companies.Company")
    CompanyContact.objects.create(company=company, name="王经理", title="总经理", phone="1")
    ImportRun.objects.create(file_name="项目表.xlsx", unit=admin_user.unit, run_by=admin_user)
    extraction_create(
        raw="长乐区与神州优车签约数字经济产业园项目,总投资30亿元。",
        unit=admin_user.unit,
        actor=admin_user,
        source_name="简报.txt",
    )
    token_create(user=admin_user, name="接口")
    held = Project.objects.order_by("pk").first()
    Clash.objects.create(  # an import of 福清 that described another unit's project
        kind=ClashKind.IMPORT,
        city=admin_user.unit,
        unit=Unit.objects.get(code="350181"),
        held_by=held.unit,
        project=held,
        actor=User.objects.get(username="fuqing"),
        source="导入自 福清.xlsx",
        row=2,
        name=held.name,
        investor_name="神州优车",
    )
    save_one_of_each_tracked()
    filled = fill_every_text_field()
    save_one_of_each_tracked()  # a change whose before and after both carry the payload
    assert {"projects.Project", "fieldwork.Event", "org.Unit", "companies.Company"} <= set(filled)

    s = Session(browser, live_server, "desktop")
    s.context.add_init_script(WATCH)
    problems: list[str] = []
    s.page.on(
        "dialog", lambda d: (problems.append(f"{s.page.url}: dialog {d.message}"), d.dismiss())
    )
    s.page.on("pageerror", lambda e: problems.append(f"{s.page.url}: script error {e}"))
    s.page.on("console", lambda m: console_error(m, s.page.url, problems))
    s.sign_in("admin", "Zs-demo-2026")
    pages = product_pages() + admin_pages()
    seen = {"hovered": 0, "dialogs": 0, "typed": 0}
    for path in pages:
        for key, n in visit(s, path, problems).items():
            seen[key] += n
    s.close()
    assert seen["hovered"] > 20 and seen["dialogs"] >= 1 and seen["typed"] >= 2, seen
    assert problems == [], "\n".join(problems[:40])
