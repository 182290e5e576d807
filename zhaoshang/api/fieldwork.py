"""Field work and enterprise service: list and detail routes (the same access rule as the
pages), and logging a contact — a phone app's most frequent write."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhaoshang.api.errors import InvalidInput
from zhaoshang.api.schemas import CompanyRef, Errors, UnitRef, money
from zhaoshang.fieldwork.figures import event_fulfilment, roster_totals
from zhaoshang.fieldwork.forms import ContactForm
from zhaoshang.fieldwork.models import Contact, Event, EventSigning, Team, Trip
from zhaoshang.fieldwork.selectors import get_for_user, readable
from zhaoshang.fieldwork.services import contact_log
from zhaoshang.org import access
from zhaoshang.projects.forms import form_errors
from zhaoshang.projects.models import Project
from zhaoshang.service.models import ApprovalMilestone, ServiceRequest

router = Router()


def _unit(unit: Any) -> UnitRef | None:
    return None if unit is None else UnitRef(code=unit.code, name=unit.name)


def _since(qs: Any, field: str, start: dt.date | None, end: dt.date | None) -> Any:
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


# ── teams and trips ─────────────────────────────────────────────────────────────────


class TeamOut(Schema):
    id: int
    name: str
    unit: UnitRef
    leader_name: str
    members: str
    target_cities: str
    chains: list[str]
    is_active: bool

    @staticmethod
    def resolve_chains(obj: Any) -> list[str]:
        return [c.name for c in obj.chains.all()]


class TripOut(Schema):
    id: int
    unit: UnitRef
    team: str | None
    leader_name: str
    leader_type: str
    head_led: bool
    participants: str
    people: int
    cities: str
    start_on: dt.date
    end_on: dt.date
    days: int
    person_days: int
    purpose: str

    @staticmethod
    def resolve_team(obj: Any) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_head_led(obj: Any) -> bool:
        return bool(obj.is_head_led)

    @staticmethod
    def resolve_person_days(obj: Any) -> int:
        return int(obj.days * obj.people)


class ContactOut(Schema):
    id: int
    kind: str
    contacted_on: dt.date
    unit: UnitRef
    company: CompanyRef
    projects: list[str]
    trip: int | None
    event: int | None
    our_people: str
    their_people: str
    outcome: str
    next_step: str
    follow_up_on: dt.date | None
    follow_up_done_on: dt.date | None

    @staticmethod
    def resolve_projects(obj: Any) -> list[str]:
        return [p.code for p in obj.projects.all()]

    @staticmethod
    def resolve_trip(obj: Any) -> int | None:
        return obj.trip_id

    @staticmethod
    def resolve_event(obj: Any) -> int | None:
        return obj.event_id


class ContactIn(Schema):
    company_name: str
    contacted_on: dt.date | None = None
    kind: str = "visit"
    outcome: str
    next_step: str = ""
    follow_up_on: dt.date | None = None
    project_codes: str = ""
    unit: str | None = None
    trip: int | None = None
    event: int | None = None
    our_people: str = ""
    their_people: str = ""


@router.get("/teams", response=list[TeamOut], tags=["招商活动"], summary="招商小分队")
@paginate(LimitOffsetPagination)
def list_teams(request: HttpRequest) -> Any:
    return readable(Team, request.user).select_related("unit").prefetch_related("chains")


@router.get("/teams/{team_id}", response={200: TeamOut, 404: Errors}, tags=["招商活动"],
            summary="小分队详情")  # fmt: skip
def team_detail(request: HttpRequest, team_id: int) -> Any:
    return get_for_user(Team, request.user, team_id)


@router.get("/trips", response=list[TripOut], tags=["招商活动"], summary="外出招商")
@paginate(LimitOffsetPagination)
def list_trips(
    request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None
) -> Any:
    qs = readable(Trip, request.user).select_related("unit", "team")
    return _since(qs, "start_on", start, end)


@router.get("/trips/{trip_id}", response={200: TripOut, 404: Errors}, tags=["招商活动"],
            summary="外出招商详情")  # fmt: skip
def trip_detail(request: HttpRequest, trip_id: int) -> Any:
    return get_for_user(Trip, request.user, trip_id)


@router.get("/contacts", response=list[ContactOut], tags=["招商活动"], summary="对接记录")
@paginate(LimitOffsetPagination)
def list_contacts(
    request: HttpRequest,
    kind: str = "",
    company: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Any:
    qs = readable(Contact, request.user).select_related("unit", "company")
    if kind:
        qs = qs.filter(kind=kind)
    if company:
        qs = qs.filter(company_id=company)
    return _since(qs, "contacted_on", start, end).prefetch_related("projects")


@router.get("/contacts/{contact_id}", response={200: ContactOut, 404: Errors}, tags=["招商活动"],
            summary="对接记录详情")  # fmt: skip
def contact_detail(request: HttpRequest, contact_id: int) -> Any:
    return get_for_user(Contact, request.user, contact_id)


@router.post("/contacts", response={201: ContactOut, 403: Errors, 422: Errors}, tags=["招商活动"],
             summary="登记对接(拜访、来访考察、云招商)")  # fmt: skip
def contact_create(request: HttpRequest, payload: ContactIn) -> Any:
    if not access.can_write(request.user):
        raise PermissionDenied("无权登记对接")
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()}
    data["unit"] = data["unit"] or request.user.unit.code  # type: ignore[union-attr]
    data["contacted_on"] = data["contacted_on"] or timezone.localdate().isoformat()
    form = ContactForm(data=data, user=request.user)
    if not form.is_valid():
        raise InvalidInput(form_errors(form))
    return Status(201, contact_log(data=form.service_data(request.user), actor=request.user))  # type: ignore[arg-type]


# ── events ──────────────────────────────────────────────────────────────────────────


class SigningOut(Schema):
    project: str
    project_name: str
    sign_kind: str
    amount: str | None

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.code)

    @staticmethod
    def resolve_project_name(obj: Any) -> str:
        return str(obj.project.name)

    @staticmethod
    def resolve_amount(obj: Any) -> str | None:
        return money(obj.amount if obj.amount is not None else obj.project.total_investment)


class EventOut(Schema):
    id: int
    name: str
    kind: str
    held_on: dt.date
    place: str
    unit: UnitRef
    leaders: str
    participants: int | None


class FulfilmentOut(Schema):
    as_of: dt.date
    projects: int
    amount_wan: str
    landed: int
    construction: int
    with_capital: int
    capital_wan: str
    capital_usd_wan: str
    dropped: int
    landed_rate: str | None
    construction_rate: str | None
    capital_rate: str | None


class EventDetailOut(EventOut):
    signings: list[SigningOut]
    signed_count: int
    signed_amount_wan: str
    fulfilment: FulfilmentOut


def _fulfilment(event: Event, as_of: dt.date) -> dict[str, Any]:
    f = event_fulfilment(event, as_of)
    return {
        "as_of": f.as_of, "projects": f.projects, "amount_wan": money(f.amount_wan),
        "landed": f.landed, "construction": f.construction, "with_capital": f.with_capital,
        "capital_wan": money(f.capital_wan), "capital_usd_wan": money(f.capital_usd_wan),
        "dropped": f.dropped, "landed_rate": money(f.landed_rate),
        "construction_rate": money(f.construction_rate), "capital_rate": money(f.capital_rate),
    }  # fmt: skip


@router.get("/events", response=list[EventOut], tags=["招商活动"], summary="活动")
@paginate(LimitOffsetPagination)
def list_events(
    request: HttpRequest, kind: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> Any:
    qs = readable(Event, request.user).select_related("unit")
    if kind:
        qs = qs.filter(kind=kind)
    return _since(qs, "held_on", start, end)


@router.get("/events/{event_id}", response={200: EventDetailOut, 404: Errors}, tags=["招商活动"],
            summary="活动详情:签约名单、合计与截至某日的履约情况")  # fmt: skip
def event_detail(request: HttpRequest, event_id: int, as_of: dt.date | None = None) -> Any:
    event = get_for_user(Event, request.user, event_id)
    signings = EventSigning.objects.filter(event=event).select_related("project")
    count, amount = roster_totals(signings)
    return {
        **EventOut.from_orm(event).dict(), "signings": list(signings),
        "signed_count": count, "signed_amount_wan": money(amount),
        "fulfilment": _fulfilment(event, as_of or timezone.localdate()),
    }  # fmt: skip


# ── enterprise service ──────────────────────────────────────────────────────────────


class RequestOut(Schema):
    id: int
    unit: UnitRef
    company: CompanyRef
    project: str | None
    category: str
    title: str
    description: str
    department: UnitRef
    received_on: dt.date
    due_on: dt.date
    status: str
    closed_on: dt.date | None
    days_overdue: int
    satisfaction: int | None
    escalated_to: UnitRef | None

    @staticmethod
    def resolve_project(obj: Any) -> str | None:
        return obj.project.code if obj.project_id else None

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return str(obj.category.name)

    @staticmethod
    def resolve_days_overdue(obj: Any) -> int:
        return int(obj.days_overdue(timezone.localdate()))

    @staticmethod
    def resolve_escalated_to(obj: Any) -> UnitRef | None:
        return _unit(obj.escalated_to)


class RequestUpdateOut(Schema):
    kind: str
    on: dt.date
    note: str


class RequestDetailOut(RequestOut):
    resolution: str
    rating_comment: str
    updates: list[RequestUpdateOut]

    @staticmethod
    def resolve_updates(obj: Any) -> list[Any]:
        return list(obj.updates.all())


def _requests(request: HttpRequest) -> Any:
    qs = access.filter_by(ServiceRequest.objects.all(), access.request_read_q(request.user))
    return qs.select_related("unit", "company", "project", "category", "department", "escalated_to")


@router.get("/service-requests", response=list[RequestOut], tags=["企业服务"], summary="企业诉求")
@paginate(LimitOffsetPagination)
def list_requests(request: HttpRequest, status: str = "", overdue: bool = False) -> Any:
    qs = _requests(request)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        from zhaoshang.fieldwork.figures import overdue_on

        qs = overdue_on(qs, timezone.localdate())
    return qs


@router.get("/service-requests/{request_id}", response={200: RequestDetailOut, 404: Errors},
            tags=["企业服务"], summary="企业诉求详情与办理记录")  # fmt: skip
def request_detail(request: HttpRequest, request_id: int) -> Any:
    found = _requests(request).filter(pk=request_id).first()
    if found is None:
        raise Http404("没有找到该诉求")
    return found


class ApprovalOut(Schema):
    id: int
    project: str
    item: str
    started_on: dt.date
    finished_on: dt.date | None
    elapsed_days: int | None
    parallel: bool
    note: str

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.code)

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item.name)


def _approvals(request: HttpRequest) -> Any:
    visible = Project.objects.visible_to(request.user)
    return ApprovalMilestone.objects.filter(project__in=visible).select_related("project", "item")


@router.get("/approvals", response=list[ApprovalOut], tags=["企业服务"], summary="审批节点")
@paginate(LimitOffsetPagination)
def list_approvals(request: HttpRequest, project: str = "") -> Any:
    qs = _approvals(request)
    return qs.filter(project__code=project) if project else qs


@router.get("/approvals/{approval_id}", response={200: ApprovalOut, 404: Errors},
            tags=["企业服务"], summary="审批节点详情")  # fmt: skip
def approval_detail(request: HttpRequest, approval_id: int) -> Any:
    found = _approvals(request).filter(pk=approval_id).first()
    if found is None:
        raise Http404("没有找到该审批节点")
    return found
