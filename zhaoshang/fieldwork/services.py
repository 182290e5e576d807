"""Every change to field work goes through these functions: one transaction each, every
rule checked before anything is written, a refusal names its field in Chinese.

`data` is what a form (page, API or sheet import) cleaned; the rules that depend on who
acts and on other records are checked here, so no caller can skip them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.companies.services import company_get_or_create
from zhaoshang.fieldwork.models import Contact, Event, EventSigning, Team, Trip
from zhaoshang.lib.records import is_unchanged
from zhaoshang.org import access
from zhaoshang.projects.models import Project, StageEntry
from zhaoshang.projects.services import project_move_to_stage, stage_entry_retract
from zhaoshang.projects.stages import SignKind, Stage

if TYPE_CHECKING:
    from zhaoshang.org.models import Unit, User


def _check_unit(actor: User | None, unit: Unit | None, field: str = "unit") -> Unit:
    if unit is None:
        raise ValidationError({field: "请选择单位"})
    if actor is not None and not access.can_write_unit(actor, unit):
        raise ValidationError({field: f"无权为“{unit}”登记"})
    return unit


def _check_past(value: dt.date | None, field: str, label: str) -> dt.date:
    if value is None:
        raise ValidationError({field: f"请填写{label}"})
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            {field: f"{label}{value:%Y-%m-%d}晚于今天({today:%Y-%m-%d}),不能预先登记"}
        )
    return value


def _set_fields(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    """Plain fields from `data` onto `obj`; many-to-many values are returned to set later."""
    m2m = []
    for name in fields:
        if name not in data:
            continue
        if obj._meta.get_field(name).many_to_many:
            m2m.append(name)
        else:
            setattr(obj, name, data[name])
    return m2m


def _company_by_name(data: dict[str, Any], actor: User | None) -> dict[str, Any]:
    """A company typed by name (a form's `company_name`) is found or added here, inside
    the service's transaction: a refused call leaves no new company behind."""
    if "company_name" not in data:
        return data
    data = dict(data)
    name = (data.pop("company_name") or "").strip()
    data["company"] = company_get_or_create(name=name, actor=actor)[0] if name else None
    return data


def _save(obj: Any, data: dict[str, Any], m2m: list[str], actor: User | None) -> Any:
    obj.full_clean(exclude=m2m)
    if is_unchanged(obj, {name: data[name] for name in m2m}):
        return obj  # submitted unchanged: no save, no history row
    obj._history_user = actor  # the history row names who made the change
    obj.save()
    for name in m2m:
        getattr(obj, name).set(data[name])
    return obj


def _ensure_owned(actor: User | None, obj: Any, label: str) -> None:
    if actor is None or obj.pk is None:
        return
    q = access.owned_write_q(actor)
    if q is not None and not type(obj).objects.filter(q, pk=obj.pk).exists():
        raise PermissionDenied(f"无权修改该{label}")


# ── teams and trips ─────────────────────────────────────────────────────────────────

TEAM_FIELDS = ("name", "unit", "leader_name", "members", "chains", "target_cities", "is_active")
TRIP_FIELDS = ("unit", "team", "leader_name", "leader_type", "participants", "people", "cities",
               "start_on", "end_on", "purpose")  # fmt: skip


@transaction.atomic
def team_save(*, data: dict[str, Any], actor: User | None, team: Team | None = None) -> Team:
    team = team or Team()
    _ensure_owned(actor, team, "小分队")
    m2m = _set_fields(team, data, TEAM_FIELDS)
    _check_unit(actor, team.unit if team.unit_id else None)
    if Team.objects.filter(unit=team.unit, name=team.name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": f"“{team.unit}”已有名为“{team.name}”的小分队"})
    return _save(team, data, m2m, actor)


@transaction.atomic
def trip_save(*, data: dict[str, Any], actor: User | None, trip: Trip | None = None) -> Trip:
    trip = trip or Trip()
    _ensure_owned(actor, trip, "外出招商记录")
    m2m = _set_fields(trip, data, TRIP_FIELDS)
    unit = _check_unit(actor, trip.unit if trip.unit_id else None)
    if trip.start_on is None or trip.end_on is None:
        raise ValidationError({"start_on": "请填写出发和返回日期"})
    if trip.end_on < trip.start_on:
        raise ValidationError({"end_on": (
            f"返回日期{trip.end_on:%Y-%m-%d}早于出发日期{trip.start_on:%Y-%m-%d}")})  # fmt: skip
    _check_past(trip.start_on, "start_on", "出发日期")
    team = trip.team if trip.team_id else None
    if team is not None and not team.unit.is_within(unit) and not unit.is_within(team.unit):
        raise ValidationError({"team": f"小分队“{team}”不属于“{unit}”"})
    if trip.pk is None:
        trip.created_by = actor
    return _save(trip, data, m2m, actor)


# ── contacts ────────────────────────────────────────────────────────────────────────

CONTACT_FIELDS = ("kind", "contacted_on", "unit", "company", "projects", "trip", "event",
                  "our_people", "their_people", "outcome", "next_step", "follow_up_on")  # fmt: skip


@transaction.atomic
def contact_log(
    *, data: dict[str, Any], actor: User | None, contact: Contact | None = None, source: str = ""
) -> Contact:
    """Record (or correct) a contact with a company (given, or typed as `company_name`)."""
    contact = contact or Contact()
    data = _company_by_name(data, actor)
    _ensure_owned(actor, contact, "对接记录")
    m2m = _set_fields(contact, data, CONTACT_FIELDS)
    _check_unit(actor, contact.unit if contact.unit_id else None)
    _check_past(contact.contacted_on, "contacted_on", "对接日期")
    if not contact.company_id:
        raise ValidationError({"company": "请选择企业"})
    if not (contact.outcome or "").strip():
        raise ValidationError({"outcome": "请用一句话写明洽谈情况"})
    if contact.follow_up_on and contact.follow_up_on < contact.contacted_on:
        raise ValidationError({"follow_up_on": "跟进日期不能早于对接日期"})
    projects = list(data.get("projects") or [])
    if actor is not None and projects:
        visible = set(Project.objects.visible_to(actor).filter(
            pk__in=[p.pk for p in projects]).values_list("pk", flat=True))  # fmt: skip
        hidden = [p.name for p in projects if p.pk not in visible]
        if hidden:
            raise ValidationError({"projects": f"无权关联项目:{'、'.join(hidden)}"})
    for name, label in (("trip", "外出招商"), ("event", "活动")):
        linked = getattr(contact, name)
        if linked is not None and actor is not None:
            q = access.owned_read_q(actor)
            if q is not None and not type(linked).objects.filter(q, pk=linked.pk).exists():
                raise ValidationError({name: f"无权关联该{label}"})
    if contact.trip is not None and not (
        contact.trip.start_on <= contact.contacted_on <= contact.trip.end_on
    ):
        raise ValidationError({"contacted_on": (
            f"对接日期不在所选外出招商的行程内({contact.trip.start_on:%Y-%m-%d}"
            f"至{contact.trip.end_on:%Y-%m-%d})")})  # fmt: skip
    if contact.pk is None:
        contact.recorded_by = actor
        contact.source = source
    return _save(contact, data, m2m, actor)


@transaction.atomic
def follow_up_done(*, contact: Contact, actor: User | None, on: dt.date | None = None) -> Contact:
    _ensure_owned(actor, contact, "对接记录")
    if contact.follow_up_on is None:
        raise ValidationError({"follow_up_on": "该记录没有待跟进事项"})
    contact.follow_up_done_on = on or timezone.localdate()
    contact._history_user = actor  # type: ignore[attr-defined]
    contact.save(update_fields=["follow_up_done_on"])
    return contact


# ── events and signing rosters ──────────────────────────────────────────────────────

EVENT_FIELDS = ("name", "kind", "held_on", "place", "unit", "leaders", "participants", "note")


@transaction.atomic
def event_save(*, data: dict[str, Any], actor: User | None, event: Event | None = None) -> Event:
    """An event may be planned ahead (it shows on the calendar); signings wait for the day."""
    event = event or Event()
    _ensure_owned(actor, event, "活动")
    before = event.held_on
    m2m = _set_fields(event, data, EVENT_FIELDS)
    _check_unit(actor, event.unit if event.unit_id else None)
    if event.held_on is None:
        raise ValidationError({"held_on": "请填写举办日期"})
    if before and before != event.held_on and event.signings.exists():
        raise ValidationError({"held_on": "已有签约项目的活动不能改日期:签约日期随活动登记,"
                               "请先移除签约项目"})  # fmt: skip
    if event.pk is None:
        event.created_by = actor
    return _save(event, data, m2m, actor)


@transaction.atomic
def event_sign(
    *,
    event: Event,
    project: Project,
    sign_kind: str,
    actor: User | None,
    amount: Decimal | None = None,
) -> EventSigning:
    """Add a project to the event's signing roster and move it to 签约 on the event's date.
    A project already signed on or before that date keeps its history (the ceremony is
    where an earlier signature was announced); nothing is moved twice."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _ensure_owned(actor, event, "活动")
    if actor is not None and not Project.objects.writable_by(actor).filter(pk=project.pk).exists():
        raise ValidationError({"project": f"无权为项目“{project.name}”登记签约"})
    if sign_kind not in SignKind.values:
        raise ValidationError({"sign_kind": "请选择签约类型:意向、协议或合同"})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "签约金额不能为负数"})
    _check_past(event.held_on, "project", "活动日期")
    if event.signings.filter(project=project).exists():
        raise ValidationError({"project": f"项目“{project.name}”已在本活动签约名单中"})
    project.refresh_from_db()
    if project.stage == Stage.DROPPED:
        raise ValidationError({"project": f"项目“{project.name}”已终止,请先恢复"})
    entry: StageEntry | None = None
    if project.signed_on is None or project.signed_on > event.held_on:
        entry = project_move_to_stage(
            project=project, stage=Stage.SIGNED, sign_kind=sign_kind,
            effective_on=event.held_on, actor=actor, source=f"签约活动:{event.name}",
        )  # fmt: skip
    signing = EventSigning(
        event=event, project=project, sign_kind=sign_kind, amount=amount,
        stage_entry=entry, recorded_by=actor,
    )  # fmt: skip
    signing._history_user = actor  # type: ignore[attr-defined]
    signing.save()
    return signing


@transaction.atomic
def event_signing_remove(*, signing: EventSigning, actor: User | None, note: str) -> None:
    """Take a project off a roster; the 签约 entry the roster made is retracted with it.
    The line's history keeps who removed it, when and why (the reason)."""
    _ensure_owned(actor, signing.event, "活动")
    if not note.strip():
        raise ValidationError({"note": "移除签约项目须说明原因"})
    entry = signing.stage_entry
    signing._history_user = actor  # type: ignore[attr-defined]
    signing._change_reason = note.strip()  # type: ignore[attr-defined]
    signing.delete()
    if entry is not None and StageEntry.objects.filter(pk=entry.pk, in_effect=True).exists():
        stage_entry_retract(entry=entry, actor=actor, note=f"移出签约活动名单:{note}")
