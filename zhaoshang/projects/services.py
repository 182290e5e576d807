"""Every change to a project goes through one of these functions.

Each is one transaction: it checks everything first (a refusal writes nothing), then
writes the change and its history row together. `actor` is the user who acts; None means
the system itself (the demo loader, an import, which say so in `source`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhaoshang.lib.money import convert_arrival, plain
from zhaoshang.lib.names import normalize_project_name
from zhaoshang.org import access
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.projects.models import (
    ArrivalAction,
    CapitalArrival,
    CodeSequence,
    Currency,
    EntryAction,
    FxRate,
    Project,
    StageEntry,
)
from zhaoshang.projects.stages import RANK, SignKind, Stage, stages_from

if TYPE_CHECKING:
    from zhaoshang.org.models import User

EARLIEST_DATE = dt.date(1978, 1, 1)
# Fields a user may set on a project; the stage and code are never set directly.
EDITABLE_FIELDS = frozenset(
    f.name
    for f in Project._meta.get_fields()
    if getattr(f, "editable", False) and not f.auto_created and f.name not in {"id"}
)


class OutOfOrderError(ValidationError):
    """A date that puts the history out of order; accepted only when confirmed."""


# ── checks ──────────────────────────────────────────────────────────────────────────


def effective_date_problem(value: dt.date, label: str, today: dt.date) -> str | None:
    """Why `value` cannot be an effective date (in the future, or absurdly early), or None.
    The one rule for the services and the import's fast path (`intake.bulk.check_dates`)."""
    if value > today:
        return f"{label}{value:%Y-%m-%d}晚于今天({today:%Y-%m-%d}),不能预先登记"
    if value < EARLIEST_DATE:
        return f"{label}{value:%Y-%m-%d}过早,请核对"
    return None


def check_date(value: Any, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: f"{label}不是有效日期"})
    problem = effective_date_problem(value, label, timezone.localdate())
    if problem:
        raise ValidationError({field: problem})
    return value


_check_date = check_date


def _check_stage(stage: str, sign_kind: str) -> None:
    if stage not in Stage.values:
        raise ValidationError(
            {"stage": f"未知阶段“{stage}”,可选:{'、'.join(str(label) for label in Stage.labels)}"}
        )
    if sign_kind and stage != Stage.SIGNED:
        raise ValidationError({"sign_kind": "只有签约阶段才填写签约类型"})
    if sign_kind and sign_kind not in SignKind.values:
        raise ValidationError({"sign_kind": f"未知签约类型“{sign_kind}”,可选:意向、协议、合同"})


def _ensure_can_write(actor: User | None, project: Project) -> None:
    if actor is None:
        return
    if not Project.objects.writable_by(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(f"无权修改项目“{project.name}”")


def history_out_of_order(entries: list[tuple[dt.date, int, str]]) -> bool:
    """True when, ordered by (effective date, seq), a live stage follows a higher one
    without a 终止 between them (e.g. 落地 dated before 签约)."""
    highest = -1
    for _, _, stage in sorted(entries):
        if stage == Stage.DROPPED:
            highest = -1
            continue
        if RANK[stage] < highest:
            return True
        highest = RANK[stage]
    return False


_out_of_order = history_out_of_order


def import_moves(
    history: list[tuple[dt.date, int, str]], events: list[tuple[dt.date, str, str]]
) -> list[tuple[dt.date, str, str]]:
    """The moves an import records for a sheet's `events` (date, stage, sign kind) over a
    project's entries in effect (date, seq, stage): a stage already in the history is left
    as it is; once the project stands at 终止 (its latest entry by date and seq) nothing more
    is recorded. The one rule for the import's services path (`SheetImporter._move`) and
    its fast path (`intake.bulk.history_of`)."""
    rows, moves = list(history), []
    for day, stage, kind in events:
        if any(s == stage for _, _, s in rows):
            continue
        if rows and max(rows)[2] == Stage.DROPPED:
            break
        rows.append((day, max((seq for _, seq, _ in rows), default=0) + 1, stage))
        moves.append((day, stage, kind))
    return moves


def spans_until(dates: list[dt.date]) -> list[dt.date | None]:
    """Where the span of each entry in effect ends, the entries ordered by (effective date,
    seq): at the next one's date; the last one is open. The one rule for the services
    (`_refresh_stage_cache`) and the import's fast path (`intake.bulk.draft_project`)."""
    return [*dates[1:], None] if dates else []


def project_code(prefix: str, year: int, number: int) -> str:
    """A public code: FZ-2022-0001. Used by `project_codes_allocate` and the import's
    `intake.bulk.CodeBook`."""
    return f"{prefix}-{year}-{number:04d}"


def _history_if(
    project: Project, replace: StageEntry | None, new: tuple[dt.date, int, str]
) -> list[tuple[dt.date, int, str]]:
    rows = project.stage_entries.filter(in_effect=True)
    if replace is not None:
        rows = rows.exclude(pk=replace.pk)
    return [*rows.values_list("effective_on", "seq", "stage"), new]


def _confirm_order(history: list[tuple[dt.date, int, str]], confirmed: bool) -> bool:
    if not history_out_of_order(history):
        return False
    if not confirmed:
        raise OutOfOrderError(
            {
                "effective_on": "日期顺序异常:该阶段的生效日期与已有阶段记录先后颠倒"
                "(如落地早于签约)。请核对;确属实情,请勾选“确认日期顺序”后再提交,记录将被标注"
            }
        )
    return True


# ── writing ─────────────────────────────────────────────────────────────────────────


def _refresh_stage_cache(project: Project) -> None:
    """Rewrite what is derived from the history (see Project and StageEntry): the current
    stage, the first date of each stage, and where each entry's span ends."""
    entries = list(project.stage_entries.order_by("effective_on", "seq", "id"))
    live = [e for e in entries if e.in_effect]
    if not live:  # pragma: no cover - services never leave a project without entries
        raise ValidationError("项目至少要有一条阶段记录")
    until = dict(
        zip([e.pk for e in live], spans_until([e.effective_on for e in live]), strict=True)
    )
    for entry in entries:
        if entry.valid_until != until.get(entry.pk):
            StageEntry.objects.filter(pk=entry.pk).update(valid_until=until.get(entry.pk))
    derived = derived_dates(
        [(e.effective_on, e.stage) for e in live], latest=(live[-1].stage, live[-1].effective_on)
    )
    for field, value in derived.items():
        setattr(project, field, value)
    Project.objects.filter(pk=project.pk).update(**derived)


def derived_dates(
    entries: list[tuple[dt.date, str]], *, latest: tuple[str, dt.date]
) -> dict[str, Any]:
    """The project columns derived from its entries in effect (ordered by date and seq)."""
    firsts = {
        f"{stage}_on": min((on for on, s in entries if s in stages_from(stage)), default=None)
        for stage in (Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.OPERATING)
    }
    return {"stage": latest[0], "stage_on": latest[1], "entered_on": entries[0][0], **firsts}


def _next_seq(project: Project) -> int:
    top = project.stage_entries.aggregate(top=Max("seq"))["top"]
    return (top or 0) + 1


def code_prefix_for(unit: Unit) -> str:
    city = unit.ancestor_of_kind(UnitKind.CITY)
    if city is None:
        return unit.project_code_prefix or unit.code[:4]
    return city.project_code_prefix or city.code[:4]


def project_codes_allocate(*, prefix: str, year: int, count: int = 1) -> list[str]:
    """Hand out `count` consecutive public codes such as FZ-2022-0001 (row-locked)."""
    seq, _ = CodeSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    first = seq.last + 1
    seq.last += count
    seq.save(update_fields=["last"])
    return [project_code(prefix, year, n) for n in range(first, first + count)]


EVIDENCE_EXTENSIONS = ("pdf", "ofd", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx")


def _check_evidence(evidence: File | None) -> None:
    """Evidence files are scans and documents of known kinds, within the size limit."""
    if evidence is None:
        return
    name = (evidence.name or "").lower()
    if "." not in name or name.rsplit(".", 1)[1] not in EVIDENCE_EXTENSIONS:
        allowed = "、".join(EVIDENCE_EXTENSIONS)
        raise ValidationError({"evidence": f"证明材料“{evidence.name}”的格式不支持,可用:{allowed}"})
    limit = settings.EVIDENCE_MAX_BYTES
    if evidence.size is not None and evidence.size > limit:
        raise ValidationError({"evidence": f"证明材料不能超过{limit // (1024 * 1024)}MB"})


def _attach(row: Any, field: str, evidence: File | None) -> None:
    if evidence is not None:
        getattr(row, field).save(evidence.name, evidence, save=False)


def _record_entry(*, project: Project, evidence: File | None, **fields: Any) -> StageEntry:
    """Write one history row (with its evidence) and rederive the project from its history."""
    entry = StageEntry(project=project, **fields)
    _attach(entry, "evidence", evidence)
    entry.save()
    _refresh_stage_cache(project)
    return entry


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    unit: Unit,
    name: str,
    effective_on: dt.date,
    stage: str = Stage.LEAD,
    sign_kind: str = "",
    note: str = "",
    source: str = "",
    evidence: File | None = None,
    **fields: Any,
) -> Project:
    """Create a project with its first stage entry (the date it entered the pipeline)."""
    if actor is not None and not access.can_write_unit(actor, unit):
        raise PermissionDenied(f"无权在“{unit.name}”下登记项目")
    _check_date(effective_on, "effective_on", "生效日期")
    _check_stage(stage, sign_kind)
    _check_evidence(evidence)
    if stage == Stage.DROPPED:
        raise ValidationError({"stage": "新项目不能以终止阶段登记"})
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({"__all__": f"未知字段:{'、'.join(sorted(unknown))}"})
    m2m: dict[str, Any] = {k: fields.pop(k) for k in ("tags", "sponsors") if k in fields}
    project = Project(
        unit=unit,
        name=(name or "").strip(),
        normalized_name=normalize_project_name(name or ""),
        stage=stage,
        stage_on=effective_on,
        entered_on=effective_on,
        created_by=actor,
        code="-",
        **fields,
    )
    project.full_clean(exclude=["code"])
    project.code = project_codes_allocate(prefix=code_prefix_for(unit), year=effective_on.year)[0]
    project._history_user = actor  # type: ignore[attr-defined]
    project._change_reason = source or None  # type: ignore[attr-defined]
    save_with_sets(project, m2m, created=True)
    _record_entry(
        project=project, evidence=evidence, seq=1, stage=stage, sign_kind=sign_kind,
        effective_on=effective_on, note=note, source=source, recorded_by=actor,
    )  # fmt: skip
    return project


M2M_FIELDS = ("tags", "sponsors")


def save_with_sets(project: Project, m2m: dict[str, Any], *, created: bool) -> None:
    """Save the project and its many-to-many sets with ONE change-history row that holds
    both (a set changed on its own would write a row for each add and each remove)."""
    if m2m:
        project.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            if created:
                project.save()  # the row must exist before its sets
            for key, values in m2m.items():
                getattr(project, key).set(values)
        finally:
            del project.skip_history_when_saving  # type: ignore[attr-defined]
    project.save()  # the history row, with the sets as they are now
    if created and m2m:
        project.history.update(history_type="+")  # it is the creation row


class EditConflict(ValidationError):
    """An edit read at an older version than the stored row, changing fields another user
    has changed since: nothing is written. `conflicts` lists, per field, the value sent
    ("您的值") and the value stored ("他人已保存的值"); `version` is the stored version and
    `stored` the stored values of those fields."""

    def __init__(
        self, conflicts: list[dict[str, str]], version: int, stored: dict[str, Any]
    ) -> None:
        self.conflicts, self.version, self.stored = conflicts, version, stored
        names = "、".join(c["label"] for c in conflicts)
        super().__init__({"__all__": f"保存前该项目已被他人修改({names}),请核对下列字段后再保存"})


def _display(value: Any) -> str:
    if value is None or value == "" or value == set() or value == []:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (set, list, tuple)):
        return "、".join(sorted(str(v) for v in value))
    if isinstance(value, Decimal):  # a recorded amount as entered: 23800, not 23800.0000
        return plain(value)
    return str(value)


def _comparable(key: str, value: Any) -> Any:
    """A value as compared: a many-to-many set by its keys."""
    if key in M2M_FIELDS:
        return {getattr(v, "pk", v) for v in (value or [])}
    return value


def _conflicts(
    stored: Project,
    wanted: dict[str, Any],
    changed: list[str],
    read: dict[str, Any] | None,
) -> list[dict[str, str]]:
    """The changed fields another user has changed since the edit was read: every one
    when the values read are not known (an API client sends only its own)."""
    found = []
    for key in changed:
        theirs = _stored_value(stored, key)
        if (
            read is not None
            and key in read
            and _comparable(key, read[key]) == _comparable(key, theirs)
        ):
            continue  # unchanged since it was read: the edit's own change
        label = str(Project._meta.get_field(key).verbose_name)  # type: ignore[union-attr]
        mine = list(wanted[key]) if key in M2M_FIELDS else wanted[key]
        found.append({"field": key, "label": label, "yours": _display(mine),
                      "theirs": _display(theirs)})  # fmt: skip
    return found


def _stored_value(project: Project, key: str) -> Any:
    if key in M2M_FIELDS:
        return list(getattr(project, key).all())
    return getattr(project, key)


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: User | None,
    source: str = "",
    version: int | None = None,
    read: dict[str, Any] | None = None,
    **fields: Any,
) -> list[str]:
    """Change the given fields of a project, and only those, on its row locked for the
    change (so concurrent edits of different fields all survive); returns the names of the
    fields that changed. One change-history row (who, when, before → after, the many-to-many
    sets included) is written with it, and the version goes up by one.

    `version` is the version the edit was read at. When the row has moved on since, the
    changed fields another user has also changed are a conflict (`EditConflict`, nothing
    written); `read` gives the values the edit was read with, so that a field only this
    edit changed is not one. Without `version` the fields are applied as sent."""
    _ensure_can_write(actor, project)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({"__all__": f"不能直接修改:{'、'.join(sorted(unknown))}"})
    stored = Project.objects.select_for_update().get(pk=project.pk)
    changed = [
        k for k, v in fields.items()
        if _comparable(k, _stored_value(stored, k)) != _comparable(k, v)
    ]  # fmt: skip
    if version is not None and version != stored.version and changed:
        conflicts = _conflicts(stored, fields, changed, read)
        if conflicts:
            values = {c["field"]: _stored_value(stored, c["field"]) for c in conflicts}
            raise EditConflict(conflicts, stored.version, values)
    if "unit" in changed and actor is not None and not access.can_write_unit(actor, fields["unit"]):
        raise PermissionDenied(f"无权把项目移交给“{fields['unit'].name}”")
    m2m: dict[str, Any] = {k: fields[k] for k in changed if k in M2M_FIELDS}
    for key in changed:
        if key not in M2M_FIELDS:
            setattr(stored, key, fields[key])
    stored.normalized_name = normalize_project_name(stored.name)
    stored.full_clean(exclude=["code", "stage", "stage_on", "entered_on"])
    if changed:
        stored.version += 1
        stored._history_user = actor  # type: ignore[attr-defined]
        stored._change_reason = source or None  # type: ignore[attr-defined]
        save_with_sets(stored, m2m, created=False)
    for f in Project._meta.concrete_fields:  # the caller's copy shows the row as stored
        setattr(project, f.attname, getattr(stored, f.attname))
    return changed


@transaction.atomic
def project_move_to_stage(
    *,
    project: Project,
    stage: str,
    effective_on: dt.date,
    actor: User | None,
    sign_kind: str = "",
    note: str = "",
    evidence: File | None = None,
    source: str = "",
    confirm_out_of_order: bool = False,
) -> StageEntry:
    """Record that the project reached `stage` on `effective_on`."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _ensure_can_write(actor, project)
    if project.stage == Stage.DROPPED and stage != Stage.DROPPED:
        raise ValidationError({"stage": "项目已终止,请先恢复项目"})
    return _move(
        project=project, stage=stage, effective_on=effective_on, actor=actor,
        sign_kind=sign_kind, note=note, evidence=evidence, source=source,
        confirm_out_of_order=confirm_out_of_order,
    )  # fmt: skip


def _move(
    *,
    project: Project,
    stage: str,
    effective_on: dt.date,
    actor: User | None,
    sign_kind: str = "",
    note: str = "",
    evidence: File | None = None,
    source: str = "",
    confirm_out_of_order: bool = False,
) -> StageEntry:
    """A new history entry for a locked project the actor may write (moves and revivals)."""
    _check_stage(stage, sign_kind)
    _check_date(effective_on, "effective_on", "生效日期")
    _check_evidence(evidence)
    if stage == Stage.DROPPED and not note.strip():
        raise ValidationError({"note": "终止项目须说明原因"})
    duplicate = project.stage_entries.filter(
        in_effect=True, stage=stage, effective_on=effective_on, sign_kind=sign_kind
    )
    if duplicate.exists():
        raise ValidationError({"stage": f"项目已于{effective_on:%Y-%m-%d}登记为该阶段"})
    seq = _next_seq(project)
    flagged = _confirm_order(
        _history_if(project, None, (effective_on, seq, stage)), confirm_out_of_order
    )
    return _record_entry(
        project=project, evidence=evidence, seq=seq, stage=stage, sign_kind=sign_kind,
        effective_on=effective_on, note=note, source=source, recorded_by=actor,
        out_of_order=flagged,
    )  # fmt: skip


@transaction.atomic
def stage_entry_correct(
    *,
    entry: StageEntry,
    actor: User | None,
    note: str,
    stage: str | None = None,
    effective_on: dt.date | None = None,
    sign_kind: str | None = None,
    evidence: File | None = None,
    confirm_out_of_order: bool = False,
) -> StageEntry:
    """Correct a wrong entry: a new row takes its place; the old row stays, out of effect."""
    project = Project.objects.select_for_update().get(pk=entry.project_id)
    entry.refresh_from_db()
    _ensure_can_write(actor, project)
    if not entry.in_effect:
        raise ValidationError({"__all__": "该记录已被更正或撤销,请更正最新的记录"})
    if not note.strip():
        raise ValidationError({"note": "更正须说明原因"})
    new_stage = stage if stage is not None else entry.stage
    new_kind = (
        sign_kind
        if sign_kind is not None
        else (entry.sign_kind if new_stage == Stage.SIGNED else "")
    )
    new_date = effective_on if effective_on is not None else entry.effective_on
    _check_stage(new_stage, new_kind)
    _check_date(new_date, "effective_on", "生效日期")
    _check_evidence(evidence)
    if (new_stage, new_kind, new_date) == (entry.stage, entry.sign_kind, entry.effective_on):
        raise ValidationError({"__all__": "更正内容与原记录相同"})
    flagged = _confirm_order(
        _history_if(project, entry, (new_date, entry.seq, new_stage)), confirm_out_of_order
    )
    StageEntry.objects.filter(pk=entry.pk).update(in_effect=False)
    return _record_entry(
        project=project, evidence=evidence, seq=entry.seq, stage=new_stage,
        sign_kind=new_kind, effective_on=new_date, action=EntryAction.CORRECTION,
        corrects=entry, note=note, recorded_by=actor, out_of_order=flagged,
    )  # fmt: skip


@transaction.atomic
def stage_entry_retract(*, entry: StageEntry, actor: User | None, note: str) -> StageEntry:
    """Withdraw an entry that should never have been recorded (kept, out of effect)."""
    project = Project.objects.select_for_update().get(pk=entry.project_id)
    entry.refresh_from_db()
    _ensure_can_write(actor, project)
    if not entry.in_effect:
        raise ValidationError({"__all__": "该记录已被更正或撤销"})
    if not note.strip():
        raise ValidationError({"note": "撤销须说明原因"})
    if not project.stage_entries.filter(in_effect=True).exclude(pk=entry.pk).exists():
        raise ValidationError({"__all__": "项目至少要保留一条阶段记录"})
    StageEntry.objects.filter(pk=entry.pk).update(in_effect=False)
    retraction = StageEntry.objects.create(
        project=project,
        seq=entry.seq,
        stage=entry.stage,
        sign_kind=entry.sign_kind,
        effective_on=entry.effective_on,
        action=EntryAction.RETRACTION,
        corrects=entry,
        in_effect=False,
        note=note,
        recorded_by=actor,
    )
    _refresh_stage_cache(project)
    return retraction


@transaction.atomic
def project_drop(
    *, project: Project, effective_on: dt.date, reason: str, actor: User | None
) -> StageEntry:
    """终止: the project is lost or abandoned; it can be revived."""
    if project.stage == Stage.DROPPED:
        raise ValidationError({"stage": "项目已终止"})
    entry = project_move_to_stage(
        project=project, stage=Stage.DROPPED, effective_on=effective_on, actor=actor, note=reason
    )
    Project.objects.filter(pk=project.pk).update(drop_reason=reason.strip())
    return entry


@transaction.atomic
def project_revive(
    *,
    project: Project,
    effective_on: dt.date,
    actor: User | None,
    stage: str | None = None,
    note: str = "",
) -> StageEntry:
    """Bring a dropped project back, by default to the stage it had before it was dropped."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _ensure_can_write(actor, project)
    if project.stage != Stage.DROPPED:
        raise ValidationError({"stage": "项目未终止,无需恢复"})
    if stage is None:
        before = (
            project.stage_entries.filter(in_effect=True)
            .exclude(stage=Stage.DROPPED)
            .order_by("-effective_on", "-seq")
            .first()
        )
        stage = before.stage if before else Stage.LEAD
    if stage == Stage.DROPPED:
        raise ValidationError({"stage": "恢复后的阶段不能是终止"})
    if effective_on < project.stage_on:  # the move checks the date itself; it must follow the drop
        raise ValidationError({"effective_on": "恢复日期不能早于终止日期"})
    entry = _move(project=project, stage=stage, effective_on=effective_on, actor=actor,
                  note=note or "恢复项目")  # fmt: skip
    Project.objects.filter(pk=project.pk).update(drop_reason="")
    return entry


def _rate_for(month_day: dt.date) -> Decimal | None:
    return (
        FxRate.objects.filter(month=month_day.replace(day=1))
        .values_list("cny_per_usd", flat=True)
        .first()
    )


def _convert_into(arrival: CapitalArrival, rate: Decimal | None) -> None:
    """Set the arrival's stored conversion at `rate` (refused when it needs one and the
    month has none: DESIGN §7, an arrival keeps the rate it was converted at)."""
    if arrival.needs_rate and rate is None:
        on = arrival.arrived_on
        raise ValidationError(
            {"arrived_on": f"缺少{on.year}年{on.month}月的美元汇率,请先在“汇率”中登记后再录入到资"}
        )
    arrival.rate = rate if arrival.needs_rate else None
    arrival.cny_wan, arrival.usd_wan = convert_arrival(
        arrival.amount, arrival.currency, arrival.is_foreign, arrival.rate
    )


def _check_arrival(arrival: CapitalArrival, evidence: File | None) -> None:
    if Project.objects.filter(parent_id=arrival.project_id).exists():
        # An umbrella is not counted (DESIGN §7): its capital would silently count nowhere.
        raise ValidationError(
            {"__all__": "该项目已拆分为子项目(项目群),到资请登记在相应的子项目上"}
        )
    _check_date(arrival.arrived_on, "arrived_on", "到资日期")
    _check_evidence(evidence)
    if arrival.currency not in Currency.values:
        raise ValidationError({"currency": f"未知币种“{arrival.currency}”,可选:CNY、USD"})
    arrival.full_clean(exclude=["evidence"], validate_constraints=False)
    if arrival.amount <= 0:
        raise ValidationError({"amount": "到资金额须大于零"})


@transaction.atomic
def capital_arrival_record(
    *,
    project: Project,
    amount: Decimal,
    arrived_on: dt.date,
    actor: User | None,
    currency: str = Currency.CNY,
    is_foreign: bool = False,
    note: str = "",
    evidence: File | None = None,
    source: str = "",
    rate: Decimal | None = None,
) -> CapitalArrival:
    """Record capital that arrived: 万元 for CNY, 万美元 for USD, converted at the rate of
    its month in force now (kept on the row) — or at `rate`, the one it was converted at
    when it was first recorded (an export read back into other books)."""
    _ensure_can_write(actor, project)
    arrival = CapitalArrival(
        project=project, amount=amount, currency=currency, arrived_on=arrived_on,
        is_foreign=is_foreign, note=note, source=source, recorded_by=actor,
    )  # fmt: skip
    _check_arrival(arrival, evidence)
    _convert_into(arrival, rate if rate is not None else _rate_for(arrived_on))
    _attach(arrival, "evidence", evidence)
    arrival.save()
    return arrival


def _lock_arrival(arrival: CapitalArrival, actor: User | None, note: str, word: str) -> None:
    Project.objects.select_for_update().get(pk=arrival.project_id)
    arrival.refresh_from_db()
    _ensure_can_write(actor, arrival.project)
    if not arrival.in_effect:
        raise ValidationError({"__all__": "该到资记录已被更正或撤销,请更正最新的记录"})
    if not note.strip():
        raise ValidationError({"note": f"{word}须说明原因"})


ARRIVAL_FIELDS = ("amount", "currency", "arrived_on", "is_foreign")


@transaction.atomic
def capital_arrival_correct(
    *,
    arrival: CapitalArrival,
    actor: User | None,
    note: str,
    amount: Decimal | None = None,
    currency: str | None = None,
    arrived_on: dt.date | None = None,
    is_foreign: bool | None = None,
    evidence: File | None = None,
) -> CapitalArrival:
    """Correct a wrong arrival: a new row takes its place; the old one stays, out of
    effect. The arrival keeps the rate it was converted at unless its month changes (then
    the new month's rate in force now)."""
    _lock_arrival(arrival, actor, note, "更正")
    given = {"amount": amount, "currency": currency, "arrived_on": arrived_on,
             "is_foreign": is_foreign}  # fmt: skip
    values = {f: getattr(arrival, f) if given[f] is None else given[f] for f in ARRIVAL_FIELDS}
    if all(values[f] == getattr(arrival, f) for f in ARRIVAL_FIELDS):
        raise ValidationError({"__all__": "更正内容与原记录相同"})
    fixed = CapitalArrival(
        project=arrival.project, **values, action=ArrivalAction.CORRECTION, corrects=arrival,
        note=note.strip(), recorded_by=actor, source=arrival.source,
        evidence=arrival.evidence.name if evidence is None else "",
    )  # fmt: skip
    _check_arrival(fixed, evidence)
    same_month = fixed.arrived_on.replace(day=1) == arrival.arrived_on.replace(day=1)
    kept = arrival.rate if same_month and arrival.rate is not None else None
    _convert_into(fixed, kept if kept is not None else _rate_for(fixed.arrived_on))
    CapitalArrival.objects.filter(pk=arrival.pk).update(in_effect=False)
    _attach(fixed, "evidence", evidence)
    fixed.save()
    return fixed


@transaction.atomic
def capital_arrival_retract(
    *, arrival: CapitalArrival, actor: User | None, note: str
) -> CapitalArrival:
    """Withdraw an arrival that should never have been recorded (kept, out of effect)."""
    _lock_arrival(arrival, actor, note, "撤销")
    CapitalArrival.objects.filter(pk=arrival.pk).update(in_effect=False)
    return CapitalArrival.objects.create(
        project=arrival.project, amount=arrival.amount, currency=arrival.currency,
        arrived_on=arrival.arrived_on, is_foreign=arrival.is_foreign, rate=arrival.rate,
        cny_wan=arrival.cny_wan, usd_wan=arrival.usd_wan, action=ArrivalAction.RETRACTION,
        corrects=arrival, in_effect=False, note=note.strip(), recorded_by=actor,
    )  # fmt: skip


@transaction.atomic
def capital_arrivals_recalculate(
    *,
    actor: User | None,
    reason: str,
    month: dt.date | None = None,
    arrivals: list[CapitalArrival] | None = None,
) -> list[CapitalArrival]:
    """Apply the rate table as it is now to arrivals already recorded: those of `month`
    (any day of it), or the given ones. Each arrival whose conversion changes is replaced
    by a recalculation row (who, when, why; `corrects` holds the before). Returns them."""
    if actor is not None and not access.can_recalculate_arrivals(actor):
        raise PermissionDenied("只有市级管理员可以按更正后的汇率重新折算到资")
    if not reason.strip():
        raise ValidationError({"reason": "重新折算须说明原因"})
    if (month is None) == (arrivals is None):
        raise ValidationError({"__all__": "请指定月份或到资记录之一"})
    rows = CapitalArrival.objects.filter(in_effect=True).select_related("project")
    if month is not None:
        first = month.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        rows = rows.filter(arrived_on__gte=first, arrived_on__lt=nxt)
    else:
        rows = rows.filter(pk__in=[a.pk for a in arrivals or []])
    if actor is not None:
        rows = rows.filter(project__in=Project.objects.writable_by(actor))
    rates: dict[dt.date, Decimal | None] = {}
    out = []
    for old in rows.select_for_update(of=("self",)).order_by("arrived_on", "pk"):
        if not old.needs_rate:
            continue
        key = old.arrived_on.replace(day=1)
        rate = rates[key] if key in rates else rates.setdefault(key, _rate_for(key))
        if rate is None or rate == old.rate:
            continue
        new = CapitalArrival(
            project=old.project, amount=old.amount, currency=old.currency,
            arrived_on=old.arrived_on, is_foreign=old.is_foreign, evidence=old.evidence.name,
            action=ArrivalAction.RECALCULATION, corrects=old, note=reason.strip(),
            source=old.source, recorded_by=actor,
        )  # fmt: skip
        _convert_into(new, rate)
        CapitalArrival.objects.filter(pk=old.pk).update(in_effect=False)
        new.save()
        out.append(new)
    return out


@transaction.atomic
def project_save(
    *,
    data: dict[str, Any],
    actor: User | None,
    project: Project | None = None,
    source: str = "",
    fields: list[str] | None = None,
    version: int | None = None,
    read: dict[str, Any] | None = None,
) -> Project:
    """Create (project=None) or update a project from the cleaned data of ProjectForm:
    an investor typed by name is matched to the company register or added to it.

    On update only the names in `fields` are written (all of `data` when None): a page
    sends the fields its user changed, an API client those it sent. `version` and `read`
    are the version and values the edit was read at (see `project_update`)."""
    from zhaoshang.companies.services import company_get_or_create

    data = dict(data)
    investor_name = (data.pop("investor_name", "") or "").strip()
    if investor_name:
        data["investor"], _ = company_get_or_create(name=investor_name, actor=actor, source=source)
    if project is not None:
        for key in ("stage", "sign_kind", "effective_on", "version"):
            data.pop(key, None)
        if fields is not None:
            wanted = set(fields) | ({"investor"} if investor_name else set())
            data = {k: v for k, v in data.items() if k in wanted}
        project_update(project=project, actor=actor, source=source, version=version,
                       read=read, **data)  # fmt: skip
        return project
    return project_create(
        actor=actor,
        unit=data.pop("unit"),
        name=data.pop("name"),
        effective_on=data.pop("effective_on"),
        stage=data.pop("stage", Stage.LEAD),
        sign_kind=data.pop("sign_kind", "") or "",
        source=source,
        **data,
    )
