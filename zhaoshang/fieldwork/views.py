"""Field-work pages: teams, trips, contacts, events with their rosters, and the working
lists (follow-ups, stalled projects, calendar). Fetch through the access rule, bind a
form, call one service, respond."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.fieldwork import figures
from zhaoshang.fieldwork.forms import ContactForm, EventForm, SigningForm, TeamForm, TripForm
from zhaoshang.fieldwork.models import (
    Contact,
    ContactKind,
    Event,
    EventKind,
    EventSigning,
    Team,
    Trip,
)
from zhaoshang.fieldwork.selectors import get_for_user, readable, writable
from zhaoshang.fieldwork.services import (
    contact_log,
    event_save,
    event_sign,
    event_signing_remove,
    follow_up_done,
    team_save,
    trip_save,
)
from zhaoshang.org.access import can_write
from zhaoshang.projects.models import Project
from zhaoshang.web.scoping import scope_from_request, window
from zhaoshang.web.submit import attach_errors, submit

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _ensure_writer(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied("无权登记")


# ── teams ───────────────────────────────────────────────────────────────────────────


def team_list(request: HttpRequest) -> HttpResponse:
    teams = readable(Team, request.user).select_related("unit").annotate(n_trips=Count("trips"))
    teams = teams.order_by("unit__path", "name")  # GROUP BY drops Meta.ordering
    return render(request, "fieldwork/team_list.html", {
        "teams": teams, "can_write": can_write(request.user)})  # fmt: skip


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_for_user(Team, request.user, pk)
    return render(request, "fieldwork/team_detail.html", {
        "team": team,
        "trips": team.trips.annotate(n_contacts=Count("contacts")).order_by("-start_on", "-id"),
        "can_write": can_write(request.user)})  # fmt: skip


def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _ensure_writer(request)
    team = get_for_user(Team, request.user, pk, write=True) if pk else None
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    saved = submit(request, form, lambda d: team_save(data=d, actor=request.user, team=team))  # type: ignore[arg-type]
    if saved:
        messages.success(request, "已保存小分队")
        return redirect("team_detail", pk=saved.pk)
    return render(request, "fieldwork/form.html", {
        "form": form, "title": f"修改小分队 {team}" if team else "新建招商小分队",
        "cancel": "team_list"})  # fmt: skip


# ── trips ───────────────────────────────────────────────────────────────────────────


def trip_list(request: HttpRequest) -> HttpResponse:
    trips = readable(Trip, request.user).select_related("unit", "team").annotate(
        n_contacts=Count("contacts"))  # fmt: skip
    trips = window(request, trips, "start_on").order_by("-start_on", "-id")
    return render(request, "fieldwork/trip_list.html", {
        "page": _page(request, trips), "can_write": can_write(request.user)})  # fmt: skip


def trip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    trip = get_for_user(Trip, request.user, pk)
    contacts = trip.contacts.select_related("company").prefetch_related("projects")
    return render(request, "fieldwork/trip_detail.html", {
        "trip": trip, "contacts": contacts,
        "companies": contacts.values("company").distinct().count(),
        "can_write": can_write(request.user)})  # fmt: skip


def trip_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _ensure_writer(request)
    trip = get_for_user(Trip, request.user, pk, write=True) if pk else None
    form = TripForm(request.POST or None, instance=trip, user=request.user)
    saved = submit(request, form, lambda d: trip_save(data=d, actor=request.user, trip=trip))  # type: ignore[arg-type]
    if saved:
        messages.success(request, "已保存外出招商记录")
        return redirect("trip_detail", pk=saved.pk)
    return render(request, "fieldwork/form.html", {
        "form": form, "title": "修改外出招商" if trip else "登记外出招商",
        "cancel": "trip_list"})  # fmt: skip


# ── contacts ────────────────────────────────────────────────────────────────────────


def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = readable(Contact, request.user).select_related("company", "unit", "recorded_by")
    kind, q = request.GET.get("kind", ""), request.GET.get("q", "").strip()
    if kind in ContactKind.values:
        contacts = contacts.filter(kind=kind)
    if q:
        contacts = contacts.filter(Q(company__name__icontains=q) | Q(outcome__icontains=q))
    contacts = window(request, contacts, "contacted_on")
    if request.GET.get("company", "").isdigit():
        contacts = contacts.filter(company_id=int(request.GET["company"]))
    return render(request, "fieldwork/contact_list.html", {
        "page": _page(request, contacts.prefetch_related("projects")), "kinds": ContactKind.choices,
        "kind": kind, "q": q, "can_write": can_write(request.user)})  # fmt: skip


def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_for_user(Contact, request.user, pk)
    may_write = writable(Contact, request.user).filter(pk=pk).exists()
    return render(request, "fieldwork/contact_detail.html", {
        "c": contact, "projects": Project.objects.visible_to(request.user).filter(contacts=contact),
        "writable": may_write})  # fmt: skip


def _contact_save(request: HttpRequest, form: ContactForm, contact: Contact | None) -> Any:
    def save(_: dict[str, Any]) -> Contact:
        return contact_log(data=form.service_data(request.user), actor=request.user,  # type: ignore[arg-type]
                           contact=contact)  # fmt: skip

    return submit(request, form, save)


def contact_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """登记对接 — made to be done from a phone in under a minute."""
    _ensure_writer(request)
    contact = get_for_user(Contact, request.user, pk, write=True) if pk else None
    initial = {k: request.GET[k] for k in ("trip", "event", "kind") if request.GET.get(k)}
    if request.GET.get("company_name"):
        initial["company_name"] = request.GET["company_name"]
    form = ContactForm(request.POST or None, instance=contact, user=request.user, initial=initial)
    saved = _contact_save(request, form, contact)
    if saved:
        messages.success(request, f"已登记:{saved.company} {saved.contacted_on:%Y-%m-%d}")
        return redirect(request.POST.get("next") or "contact_list")
    return render(request, "fieldwork/contact_form.html", {
        "form": form, "title": "修改对接记录" if contact else "登记对接",
        "next": request.GET.get("next", "")})  # fmt: skip


@require_POST
def contact_follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_for_user(Contact, request.user, pk, write=True)
    follow_up_done(contact=contact, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"已标记跟进:{contact.company}")
    return redirect(request.POST.get("next") or "follow_ups")


# ── events ──────────────────────────────────────────────────────────────────────────


def event_list(request: HttpRequest) -> HttpResponse:
    events = (
        readable(Event, request.user).select_related("unit").annotate(n_signed=Count("signings"))
    )
    events = window(request, events, "held_on").order_by("-held_on", "-id")
    kind = request.GET.get("kind", "")
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    return render(request, "fieldwork/event_list.html", {
        "page": _page(request, events), "kinds": EventKind.choices, "kind": kind,
        "can_write": can_write(request.user)})  # fmt: skip


def _as_of(request: HttpRequest, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return default


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_for_user(Event, request.user, pk)
    may_write = writable(Event, request.user).filter(pk=event.pk).exists()
    form = SigningForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not may_write:
            raise Http404("没有找到该活动")
        if form.is_valid():
            try:
                signing = event_sign(event=event, project=form.cleaned_data["project_code"],
                                     sign_kind=form.cleaned_data["sign_kind"],
                                     amount=form.cleaned_data["amount"], actor=request.user)  # type: ignore[arg-type]  # fmt: skip
            except ValidationError as exc:  # shown on the form, nothing written
                attach_errors(form, exc)
            else:
                messages.success(request, f"已登记签约:{signing.project.name}")
                return redirect("event_detail", pk=pk)
    today = timezone.localdate()
    signings = event.signings.select_related("project", "project__unit", "project__investor")
    count, amount = figures.roster_totals(EventSigning.objects.filter(event=event))
    return render(request, "fieldwork/event_detail.html", {
        "event": event, "signings": signings, "count": count, "amount": amount,
        "fulfilment": figures.event_fulfilment(event, _as_of(request, today)),
        "form": form, "writable": may_write, "today": today,
        "contacts": event.contacts.select_related("company")})  # fmt: skip


@require_POST
def event_signing_delete(request: HttpRequest, pk: int, signing_pk: int) -> HttpResponse:
    event = get_for_user(Event, request.user, pk, write=True)
    signing = event.signings.filter(pk=signing_pk).first()
    if signing is None:
        raise Http404("没有找到该签约项目")
    try:
        event_signing_remove(signing=signing, actor=request.user, note=request.POST.get("note", ""))  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, f"已移出签约名单:{signing.project.name}")
    return redirect("event_detail", pk=pk)


def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _ensure_writer(request)
    event = get_for_user(Event, request.user, pk, write=True) if pk else None
    form = EventForm(request.POST or None, instance=event, user=request.user)
    saved = submit(request, form, lambda d: event_save(data=d, actor=request.user, event=event))  # type: ignore[arg-type]
    if saved:
        messages.success(request, "已保存活动")
        return redirect("event_detail", pk=saved.pk)
    return render(request, "fieldwork/form.html", {
        "form": form, "title": f"修改活动 {event.name}" if event else "登记活动",
        "cancel": "event_list"})  # fmt: skip


# ── working lists ───────────────────────────────────────────────────────────────────


def follow_ups(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "fieldwork/follow_ups.html", {
        "due": figures.follow_ups_due(request.user, today), "today": today})  # fmt: skip


def stalled(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scope, choices = scope_from_request(request)
    rows = figures.stalled_projects(user=request.user, scope=scope, today=today)
    page = _page(request, rows)
    return render(request, "fieldwork/stalled.html", {
        "page": page, "projects": figures.stalled_page(page.object_list, today),
        "scope": scope, "choices": choices,
        "threshold": scope.stalled_days()})  # fmt: skip


def calendar_month(request: HttpRequest) -> HttpResponse:
    """Trips, events and the user's follow-ups of a month."""
    today = timezone.localdate()
    try:
        first = dt.date.fromisoformat((request.GET.get("month") or "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    items: dict[dt.date, list[tuple[str, str, str]]] = defaultdict(list)
    for trip in readable(Trip, request.user).filter(start_on__lte=last, end_on__gte=first):
        day = max(trip.start_on, first)
        while day <= min(trip.end_on, last):
            items[day].append(
                ("trip", f"外出:{trip.cities}", reverse("trip_detail", args=[trip.pk]))
            )
            day += dt.timedelta(days=1)
    for event in readable(Event, request.user).filter(held_on__range=(first, last)):
        link = reverse("event_detail", args=[event.pk])
        items[event.held_on].append(("event", event.name, link))
    mine = Contact.objects.filter(
        recorded_by=request.user.pk, follow_up_on__range=(first, last),
        follow_up_done_on__isnull=True,
    ).select_related("company")  # fmt: skip
    for c in mine:
        link = reverse("contact_edit", args=[c.pk])
        items[c.follow_up_on].append(("follow", f"跟进:{c.company}", link))  # type: ignore[index]
    month = calendar.Calendar().monthdatescalendar(first.year, first.month)
    weeks = [[(d, items.get(d, []), d.month == first.month) for d in week] for week in month]
    prev_month = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    next_month = (last + dt.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "fieldwork/calendar.html", {
        "weeks": weeks, "first": first, "prev": prev_month, "next": next_month, "today": today,
        "weekdays": "一二三四五六日"})  # fmt: skip
