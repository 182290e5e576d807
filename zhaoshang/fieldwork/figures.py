"""Field-work and service figures for a scope and a period, and the working lists built on
them (follow-ups due, stalled projects, the calendar). Counting rules:

- a trip counts in the period it starts in; its days are end − start + 1 and its
  person-days are days × people; a trip led by the unit's head is 主官招商;
- visits are contacts of kind 拜访; companies visited are distinct companies visited;
  visits per trip-day are the visits logged on the period's trips ÷ those trips' days;
- a request is received when taken in, closed when 办结 (rated ones included), overdue on
  day D when still open on D past its due date; D is the period's end, or today when the
  period has not ended; every count of the period stops at that D (a trip or event
  planned after it has not happened yet);
- approval elapsed days are end − start; medians are over finished milestones.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.http import urlencode

from zhaoshang.fieldwork.models import Contact, ContactKind, Event, EventSigning, Trip
from zhaoshang.figures.periods import Period
from zhaoshang.figures.pipeline import exact_sum
from zhaoshang.figures.tally import from_scaled
from zhaoshang.lib.money import format_total
from zhaoshang.org import access
from zhaoshang.org.models import DEFAULT_STALLED_DAYS, Unit
from zhaoshang.projects.models import CapitalArrival, Currency, Project
from zhaoshang.projects.stages import Stage
from zhaoshang.service.models import ApprovalMilestone, RequestStatus, ServiceRequest


def _ratio(a: int | Decimal, b: int | Decimal, places: str = "0.01") -> Decimal | None:
    if not b:
        return None
    return (Decimal(a) / Decimal(b)).quantize(Decimal(places), ROUND_HALF_UP)


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def owned_under(qs: Any, user: Any, scope: Unit, field: str = "unit") -> QuerySet[Any]:
    """Records owned in the scope's subtree that the user may read."""
    qs = qs.filter(**{f"{field}__path__startswith": scope.path})
    return access.filter_by(qs, access.owned_read_q(user, f"{field}_id"))


def requests_under(user: Any, scope: Unit) -> QuerySet[ServiceRequest]:
    """Requests taken in under the scope or assigned to a department under it."""
    qs = ServiceRequest.objects.filter(
        Q(unit__path__startswith=scope.path) | Q(department__path__startswith=scope.path)
    )
    return access.filter_by(qs, access.request_read_q(user))


@dataclass
class FieldworkFigures:
    scope: Unit
    period: Period
    as_of: dt.date
    trips: int = 0
    head_led_trips: int = 0
    trip_days: int = 0
    person_days: int = 0
    visits: int = 0
    companies_visited: int = 0
    visits_per_trip_day: Decimal | None = None
    inspections: int = 0
    online: int = 0
    events: int = 0
    event_signings: int = 0
    event_signed_wan: Decimal = Decimal(0)
    requests_received: int = 0
    requests_closed: int = 0
    requests_overdue: int = 0
    median_days_to_close: Decimal | None = None
    satisfaction: Decimal | None = None
    rated: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def fieldwork_figures(
    *, user: Any, scope: Unit, period: Period, today: dt.date
) -> FieldworkFigures:
    as_of = min(period.end, today)
    # Everything stops at as_of: a trip or an event planned after it has not happened yet.
    start, end = period.start, as_of
    out = FieldworkFigures(scope=scope, period=period, as_of=as_of)

    trips = list(owned_under(Trip.objects, user, scope).filter(start_on__range=(start, end))
                 .values_list("pk", "start_on", "end_on", "people", "leader_type"))  # fmt: skip
    out.trips = len(trips)
    out.head_led_trips = sum(1 for t in trips if t[4] == "main")
    out.trip_days = sum((t[2] - t[1]).days + 1 for t in trips)
    out.person_days = sum(((t[2] - t[1]).days + 1) * t[3] for t in trips)

    contacts = owned_under(Contact.objects, user, scope).filter(contacted_on__range=(start, end))
    by_kind = dict(contacts.order_by().values_list("kind").annotate(n=Count("pk")))
    out.by_kind = {str(label): by_kind.get(value, 0) for value, label in ContactKind.choices}
    out.visits = by_kind.get(ContactKind.VISIT, 0)
    out.inspections = by_kind.get(ContactKind.INSPECTION, 0)
    out.online = by_kind.get(ContactKind.ONLINE, 0)
    visits = contacts.filter(kind=ContactKind.VISIT)
    out.companies_visited = visits.order_by().values("company_id").distinct().count()
    on_trips = visits.filter(trip_id__in=[t[0] for t in trips]).count() if trips else 0
    out.visits_per_trip_day = _ratio(on_trips, out.trip_days)

    events = owned_under(Event.objects, user, scope).filter(held_on__range=(start, end))
    out.events = events.count()
    roster = roster_totals(EventSigning.objects.filter(event__in=events))
    out.event_signings, out.event_signed_wan = roster

    requests = requests_under(user, scope)
    out.requests_received = requests.filter(received_on__range=(start, end)).count()
    closed = requests.filter(closed_on__range=(start, end))
    out.requests_closed = closed.count()
    out.median_days_to_close = _median(
        [(c - r).days for r, c in closed.values_list("received_on", "closed_on") if c]
    )
    out.requests_overdue = overdue_on(requests, as_of).count()
    rated = closed.filter(status=RequestStatus.RATED, satisfaction__isnull=False)
    ratings = [r for r in rated.values_list("satisfaction", flat=True) if r is not None]
    out.rated = len(ratings)
    out.satisfaction = _ratio(sum(ratings), len(ratings), "0.1")
    return out


def overdue_on(requests: QuerySet[ServiceRequest], day: dt.date) -> QuerySet[ServiceRequest]:
    """Requests still open on `day` and past their due date."""
    return requests.filter(received_on__lte=day, due_on__lt=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )


def roster_totals(signings: QuerySet[EventSigning]) -> tuple[int, Decimal]:
    """Projects on rosters and their amount (the signing amount, else the project's total
        investment), in 万元. Each project counts once per roster line; an umbrella project
    (DESIGN §7) is not counted."""
    signings = signings.filter(project__in=Project.objects.counted())
    agg = signings.aggregate(
        n=Count("pk"), total=Sum(Coalesce("amount", "project__total_investment"))
    )
    return agg["n"] or 0, Decimal(agg["total"] or 0)


# ── events ──────────────────────────────────────────────────────────────────────────


@dataclass
class Fulfilment:
    """What became of an event's signed projects by a date (履约)."""

    as_of: dt.date
    projects: int
    amount_wan: Decimal
    landed: int
    construction: int
    with_capital: int
    capital_wan: Decimal
    capital_usd_wan: Decimal
    dropped: int

    @property
    def landed_rate(self) -> Decimal | None:  # 履约率
        return _ratio(self.landed * 100, self.projects, "0.1")

    @property
    def construction_rate(self) -> Decimal | None:  # 开工率
        return _ratio(self.construction * 100, self.projects, "0.1")

    @property
    def capital_rate(self) -> Decimal | None:  # 资金到位率 (all capital arrived, 万元 ÷ signed)
        return _ratio(self.capital_wan * 100, self.amount_wan, "0.1")


def event_fulfilment(event: Event, as_of: dt.date) -> Fulfilment:
    """Of the projects signed at the event: how many had landed, started construction,
    received capital (arrivals in effect on or before `as_of`, every currency, in 万元 at
    the conversion each keeps), or were dropped. Umbrella projects are not counted."""
    signings = EventSigning.objects.filter(event=event)
    count, amount = roster_totals(signings)
    projects = Project.objects.counted().filter(pk__in=signings.values("project_id"))
    project_ids = list(projects.values_list("pk", flat=True))
    landed = projects.filter(landed_on__lte=as_of).count()
    construction = projects.filter(construction_on__lte=as_of).count()
    dropped = projects.with_stage_on(as_of).filter(stage_as_of=Stage.DROPPED).count()
    arrivals = CapitalArrival.objects.filter(
        project_id__in=project_ids, arrived_on__lte=as_of, in_effect=True
    )
    sums = arrivals.order_by().aggregate(
        cny=exact_sum("cny_wan"), usd=exact_sum("amount", filter=Q(currency=Currency.USD))
    )
    return Fulfilment(
        as_of=as_of, projects=count, amount_wan=amount, landed=landed,
        construction=construction,
        with_capital=arrivals.order_by().values("project_id").distinct().count(),
        capital_wan=from_scaled(sums["cny"]), capital_usd_wan=from_scaled(sums["usd"]),
        dropped=dropped,
    )  # fmt: skip


# ── companies ───────────────────────────────────────────────────────────────────────


def company_contact_stats(company: Any, user: Any) -> dict[str, Any]:
    """How often the company has been met: visits, inspections, first and last contact."""
    contacts = access.filter_by(Contact.objects.filter(company=company),
                                access.owned_read_q(user))  # fmt: skip
    agg = contacts.aggregate(
        total=Count("pk"),
        visits=Count("pk", filter=Q(kind=ContactKind.VISIT)),
        inspections=Count("pk", filter=Q(kind=ContactKind.INSPECTION)),
        first=Min("contacted_on"),
        last=Max("contacted_on"),
    )
    return agg


# ── approvals ───────────────────────────────────────────────────────────────────────


def approval_medians(*, user: Any, scope: Unit, period: Period | None = None) -> dict[str, Any]:
    """Median elapsed days of finished approvals per item and per owning unit of the
    project (finished within the period, when one is given)."""
    qs = ApprovalMilestone.objects.filter(
        finished_on__isnull=False, project__in=Project.objects.visible_under(user, scope)
    )
    if period is not None:
        qs = qs.filter(finished_on__range=(period.start, period.end))
    per_item: dict[str, list[int]] = defaultdict(list)
    per_unit: dict[str, list[int]] = defaultdict(list)
    parallel: dict[bool, list[int]] = defaultdict(list)
    rows = qs.values_list("item__name", "project__unit__name", "started_on", "finished_on",
                          "parallel")  # fmt: skip
    for item, unit, started, finished, is_parallel in rows:
        days = (finished - started).days  # type: ignore[operator]  # finished: filtered not null
        per_item[item].append(days)
        per_unit[unit].append(days)
        parallel[is_parallel].append(days)

    def table(groups: dict[Any, list[int]]) -> list[tuple[Any, int, Decimal | None]]:
        return sorted(((k, len(v), _median(v)) for k, v in groups.items()), key=lambda r: str(r[0]))

    return {
        "items": table(per_item),
        "units": table(per_unit),
        "parallel": _median(parallel[True]),
        "serial": _median(parallel[False]),
    }


# ── working lists ───────────────────────────────────────────────────────────────────


def follow_ups_due(user: Any, today: dt.date) -> QuerySet[Contact]:
    """The user's own follow-ups due today or overdue, oldest first."""
    return (
        Contact.objects.filter(
            recorded_by=user, follow_up_on__lte=today, follow_up_done_on__isnull=True
        )
        .select_related("company")
        .order_by("follow_up_on", "id")
    )


def stalled_thresholds(scope: Unit) -> dict[int, int]:
    """unit id → stalled-list days for every unit under the scope, inherited downwards."""
    ancestors = {u.code: u.stalled_after_days for u in scope.ancestors()}
    rows = Unit.objects.subtree(scope).values_list("pk", "path", "stalled_after_days")
    by_code = dict(ancestors)
    by_code.update({path.rstrip("/").rsplit("/", 1)[-1]: days for _, path, days in rows})
    out = {}
    for pk, path, _days in rows:
        days = DEFAULT_STALLED_DAYS
        for code in [c for c in path.split("/") if c]:
            if by_code.get(code):
                days = by_code[code]  # type: ignore[assignment]
        out[pk] = days
    return out


def stalled_projects(*, user: Any, scope: Unit, today: dt.date) -> QuerySet[Any]:
    """Projects in 在谈 or 签约 with no contact for longer than their unit's threshold (a
    project never contacted counts from the day it entered the pipeline), as narrow rows
    {"pk", "last_contact"} oldest first: grouping only the key keeps the aggregate cheap;
    `stalled_page` loads the projects of one page."""
    thresholds = stalled_thresholds(scope)
    by_days: dict[int, list[int]] = defaultdict(list)
    for unit_id, days in thresholds.items():
        by_days[days].append(unit_id)
    cond = Q(pk__in=[])
    for days, unit_ids in by_days.items():
        cond |= Q(unit_id__in=unit_ids, last_contact__lt=today - dt.timedelta(days=days))
    return (
        Project.objects.visible_under(user, scope)
        .filter(stage__in=[Stage.NEGOTIATING, Stage.SIGNED])
        .values("pk", "unit_id", "entered_on")
        .annotate(last_contact=Coalesce(Max("contacts__contacted_on"), "entered_on"))
        .filter(cond)
        .values("pk", "last_contact")
        .order_by("last_contact", "pk")
    )


def stalled_page(rows: Any, today: dt.date) -> list[Project]:
    """The projects of a page of `stalled_projects` rows, with `last_contact` and
    `idle_days` set."""
    rows = list(rows)
    found = Project.objects.select_related("unit", "investor").in_bulk([r["pk"] for r in rows])
    out = []
    for row in rows:
        project = found[row["pk"]]
        project.last_contact = row["last_contact"]  # type: ignore[attr-defined]
        project.idle_days = (today - row["last_contact"]).days  # type: ignore[attr-defined]
        out.append(project)
    return out


def work_cards(f: FieldworkFigures) -> list[dict[str, Any]]:
    """The dashboard's field-work cards, each linked to the records it counts."""
    window = {"unit": f.scope.code, "from": f.period.start.isoformat(),
              "to": f.period.end.isoformat()}  # fmt: skip

    def url(name: str, **extra: str) -> str:
        return reverse(name) + "?" + urlencode({**window, **extra})

    signed = format_total(f.event_signed_wan)
    return [
        {"key": "trips", "label": "外出招商", "value": f.trips, "unit": "次",
         "url": url("trip_list"),
         "note": f"主官带队{f.head_led_trips}次 · {f.person_days}人·天"},
        {"key": "visits", "label": "拜访企业", "value": f.visits, "unit": "次",
         "url": url("contact_list", kind="visit"),
         "note": f"{f.companies_visited}家 · 每行程日{f.visits_per_trip_day or '—'}次"},
        {"key": "inspections", "label": "来访考察", "value": f.inspections, "unit": "批次",
         "url": url("contact_list", kind="inspection"), "note": f"云招商{f.online}次"},
        {"key": "events", "label": "举办活动", "value": f.events, "unit": "场",
         "url": url("event_list"), "note": f"签约{f.event_signings}个 · {signed}"},
        {"key": "requests", "label": "受理诉求", "value": f.requests_received, "unit": "件",
         "url": url("request_list"),
         "note": f"办结{f.requests_closed}件 · 用时中位数{f.median_days_to_close or '—'}天"},
        {"key": "overdue", "label": "逾期诉求", "value": f.requests_overdue, "unit": "件",
         "url": reverse("supervision") + "?" + urlencode({"unit": f.scope.code}),
         "note": f"满意度{f.satisfaction or '—'}分({f.rated}件评价)"},
    ]  # fmt: skip
