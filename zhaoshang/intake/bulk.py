"""The fast path of a sheet import: the rows that add new projects.

Row by row through the services a sheet of 100,000 projects would take half an hour (some
thirty queries a row). Here every new row still passes the page's ProjectForm and the
services' date rules, and gets exactly what `project_create` and `project_move_to_stage`
would have written — the same public codes, stage history (seq, spans, out-of-order flags),
derived columns and change-history rows — but the form's answers for a cell value are
worked out once (`RowChecker`), a row's project is drafted where it was checked (a worker
process for a long sheet: `draft_project`), and the importing process only numbers the
drafts (keys, codes, companies: `create_projects`) and writes them in bulk (as the demo
loader does). Rows that update a recorded project still go through the services one by
one: they are the few."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.forms.utils import ErrorDict

from zhaoshang.companies.models import Company
from zhaoshang.companies.services import company_update, learnt_credit_code
from zhaoshang.lib.names import normalize_company_name, normalize_project_name
from zhaoshang.org.models import User
from zhaoshang.projects.bulk import IdPool, insert_new_rows, insert_rows, new_row
from zhaoshang.projects.forms import ProjectForm, form_errors
from zhaoshang.projects.models import CodeSequence, EntryAction, Project, StageEntry
from zhaoshang.projects.services import (
    EDITABLE_FIELDS,
    derived_dates,
    effective_date_problem,
    history_out_of_order,
    import_moves,
    project_code,
    save_with_sets,
    spans_until,
)
from zhaoshang.projects.stages import Stage

# Names looked up per query (`__any_of`): at least a chunk's worth in one query (each costs a
# round trip and, on PostgreSQL, a plan made without statistics of the rows the import added).
BATCH = 5000


class InvalidRow(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _lookup(field: forms.ModelChoiceField, table: dict[str, Any]) -> Any:  # type: ignore[type-arg]
    """ModelChoiceField.to_python answered from `table` (what its queryset holds, loaded
    once) with Django's own message for a value that is not there."""

    def to_python(value: Any) -> Any:
        if value in field.empty_values:
            return None
        found = table.get(str(value))
        if found is None:
            raise ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": value},
            )  # fmt: skip
        return found

    return to_python


class RowChecker:
    """The page's ProjectForm, bound once and run for each row as `is_valid()` runs it, with
    what depends on a cell's value alone answered once per distinct value.

    A sheet repeats its values (a few hundred places, stages and dates across 100,000 rows):
    each form field's `clean()` and each model field's own validation (`Field.clean`, as
    `Model.clean_fields` calls it) is a function of the value only, so its outcome — the
    cleaned value or the error — is remembered by (field, value). What may look at the whole
    row still runs per row: the form's `clean_<field>()` methods and `clean()`. Model
    validation beyond the fields (a `Model.clean()`, unique fields or constraints among the
    form's fields) is not reproduced here: `__init__` refuses a model that has it, so a new
    rule cannot be skipped silently. `test_bulk.py` checks that this agrees with
    `ProjectForm.is_valid()` row for row, errors and cleaned values alike."""

    # A field whose values are mostly distinct (names, amounts) is no longer remembered once
    # it has shown this many: remembering every row's would hold the whole sheet, for no
    # gain. Dates, places and stages stay well below it.
    FIELD_MEMO_LIMIT = 4096

    SMALL_CHOICES = ("unit", "region", "park", "responsible_unit", "chain", "kind", "channel")

    def __init__(self, scope: Any, fields: Iterable[str]) -> None:
        """`fields`: what the sheet's rows can fill; the form's other fields would only
        ever be empty, so they are left out of the rebound form."""
        form: Any = ProjectForm(data={}, user=None, scope=scope)
        self.form = form
        keep = set(fields) | {"name", "unit", "effective_on", "stage", "sign_kind"}
        for name in list(form.fields):
            if name not in keep:
                del form.fields[name]
        for name in self.SMALL_CHOICES:
            if name not in form.fields:
                continue
            field: Any = form.fields[name]
            key = getattr(field, "to_field_name", None) or "pk"
            table = {str(getattr(o, key)): o for o in field.queryset}
            field.to_python = _lookup(field, table)
        model, meta = Project, form._meta
        if (
            model.clean is not models.Model.clean
            or model._meta.constraints
            or any(
                f.unique and not f.primary_key and f.name in form.fields
                for f in model._meta.concrete_fields
            )
            or model._meta.unique_together
            or any(f.disabled for f in form.fields.values())
        ):
            raise ImproperlyConfigured("RowChecker 无法复现该表单的全部校验")  # fmt: skip
        # The model fields `_post_clean` validates (foreign keys are left out: the form
        # fields have just checked them against their querysets).
        self.model_fields = [
            f for f in model._meta.concrete_fields
            if f.name in form.fields and f.name in meta.fields and not f.is_relation
        ]  # fmt: skip
        self.row_methods = {n: getattr(form, f"clean_{n}") for n in form.fields
                            if hasattr(form, f"clean_{n}")}  # fmt: skip
        # What the loops of `check` need per field, looked up once.
        self.form_steps = [
            (name, field, field.widget.value_from_datadict, form.add_prefix(name),
             self.row_methods.get(name))
            for name, field in form.fields.items()
        ]  # fmt: skip
        self.model_steps = [
            (f.name, form.fields[f.name], f, partial(f.clean, model_instance=None))
            for f in self.model_fields
        ]
        # Per field (a form field's name, or ("model", name)): value → (ok, cleaned | error).
        self.memo: dict[Any, dict[Any, tuple[bool, Any]]] = {}
        self.unremembered: set[Any] = set()

    def _once(self, key: Any, clean: Callable[[Any], Any], value: Any) -> Any:
        """clean(value), remembered per field `key` (the error too); unhashable values and
        fields past FIELD_MEMO_LIMIT distinct values are not."""
        if key in self.unremembered:
            return clean(value)
        memo = self.memo.setdefault(key, {})
        try:
            hit = memo.get(value)
        except TypeError:
            return clean(value)
        if hit is None:
            try:
                hit = (True, clean(value))
            except ValidationError as exc:
                hit = (False, exc)
            if len(memo) < self.FIELD_MEMO_LIMIT:
                memo[value] = hit
            else:
                self.unremembered.add(key)
                del self.memo[key]
        if not hit[0]:
            # The remembered error raised afresh: raising the same object again would chain
            # every earlier traceback (and its frames) onto it.
            raise hit[1].with_traceback(None)
        return hit[1]

    def check(self, data: dict[str, Any]) -> dict[str, Any]:
        form, once, files = self.form, self._once, self.form.files
        form.data, form.is_bound = data, True
        form._errors, form.cleaned_data = ErrorDict(renderer=form.renderer), {}
        cleaned = form.cleaned_data
        # Form._clean_fields
        memos = self.memo
        for name, field, read, prefixed, row_method in self.form_steps:
            raw = read(data, files, prefixed)
            try:
                memo = memos.get(name)
                hit = memo.get(raw) if memo is not None and raw.__hash__ is not None else None
                cleaned[name] = hit[1] if hit and hit[0] else once(name, field.clean, raw)
                if row_method is not None:
                    cleaned[name] = row_method()
            except ValidationError as exc:
                form.add_error(name, exc)
        form._clean_form()
        # ModelForm._post_clean: construct_instance, then Model.clean_fields for the fields
        # `_get_validation_exclusions` leaves in.
        cleaned, errors, failed = form.cleaned_data, {}, form._errors
        for name, field, f, clean in self.model_steps:
            if name in failed or name not in cleaned:
                continue
            value = cleaned[name]
            empty = value in field.empty_values
            if empty and not f.blank and not field.required:
                continue
            if (
                empty
                and f.has_default()
                and field.widget.value_omitted_from_data(data, files, form.add_prefix(name))
            ):
                value = f.get_default()
            if f.blank and value in f.empty_values:
                continue
            try:
                once(("model", name), clean, value)
            except ValidationError as exc:
                errors[name] = exc.error_list
        if errors:
            form._update_errors(ValidationError(errors))
        if form._errors:
            field_name, messages = next(iter(form_errors(form).items()))
            raise InvalidRow(field_name, "".join(messages))
        return dict(cleaned)


def history_of(events: list[tuple[dt.date, str, str]], source: str) -> list[dict[str, Any]]:
    """The stage entries `project_create` then `project_move_to_stage` (with the import's
    confirmation of dates out of order) would write for these events."""
    first_on, first_stage, first_kind = events[0]
    entries: list[dict[str, Any]] = [{"seq": 1, "stage": first_stage, "sign_kind": first_kind,
                "effective_on": first_on, "out_of_order": False, "note": ""}]  # fmt: skip
    for day, stage, kind in import_moves([(first_on, 1, first_stage)], events[1:]):
        seq = len(entries) + 1
        history = [(e["effective_on"], e["seq"], e["stage"]) for e in entries]
        flagged = history_out_of_order([*history, (day, seq, stage)])
        entries.append({"seq": seq, "stage": stage, "sign_kind": kind, "effective_on": day,
                        "out_of_order": flagged,
                        "note": "导入:表中标为终止" if stage == Stage.DROPPED else ""})  # fmt: skip
    for entry in entries:
        entry["source"] = source
    return entries


def check_dates(events: list[tuple[dt.date, str, str]], today: dt.date) -> None:
    """The services' rule for effective dates (`effective_date_problem`)."""
    for day, _, _ in events:
        if problem := effective_date_problem(day, "生效日期", today):
            raise InvalidRow("effective_on", problem)


class Register:
    """The companies a chunk of a sheet names, looked up in the register at once
    (normalised name → key, the oldest live company winning, as `matching_name` does). A
    name not found there becomes a new company, with the row's credit code unless another
    company already holds it, the first time a row naming it is written; a company found
    without a credit code takes the row's (`save()` writes those afterwards)."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """`names`: (typed name, credit code) of every row that may add a project."""
        names = list(names)
        wanted = {normalize_company_name(name) for name, _ in names if name}
        self.found: dict[str, int] = {}
        self.codes: dict[int, str | None] = {}
        keys, credits = sorted(wanted), {c for _, c in names if c}
        for i in range(0, len(keys), BATCH):
            rows = (
                Company.objects.active()
                .filter(normalized_name__any_of=keys[i : i + BATCH])
                .order_by("-pk")
                .values_list("normalized_name", "pk", "credit_code")
            )
            for norm, pk, code in rows:
                self.found[norm], self.codes[pk] = pk, code
        listed = sorted(credits)
        self.taken: set[str] = set()
        for i in range(0, len(listed), BATCH):
            held = Company.objects.filter(credit_code__any_of=listed[i : i + BATCH])
            self.taken.update(c for c in held.values_list("credit_code", flat=True) if c)
        self.missing = len(wanted - set(self.found))  # at most this many new companies
        self.new: list[dict[str, Any]] = []
        self.credit_codes: dict[int, str] = {}

    def key(self, typed: str, credit: str, pool: IdPool) -> int:
        norm = normalize_company_name(typed)
        pk = self.found.get(norm)
        held = self.codes[pk] if pk is not None else None
        code = learnt_credit_code(held=held, typed=credit, taken=credit in self.taken)
        if code:
            self.taken.add(code)
        if pk is not None:
            if code != held:
                assert code is not None
                self.codes[pk] = self.credit_codes[pk] = code
            return pk
        row = new_row(Company)
        row.update(id=pool.take(Company), name=typed.strip(), normalized_name=norm,
                   credit_code=code)  # fmt: skip
        self.new.append(row)
        self.found[norm], self.codes[row["id"]] = row["id"], code
        return int(row["id"])

    def write(self, *, now: dt.datetime, source: str, actor_id: int | None = None) -> None:
        """Insert the new companies named so far."""
        insert_new_rows(Company, self.new, now=now, history_reason=source,
                        history_user_id=actor_id)  # fmt: skip
        self.new = []

    def save(self, *, actor: Any, source: str) -> None:
        """Credit codes learnt for companies already in the register, through the service
        (each with its history row: who, and the file)."""
        for pk, code in self.credit_codes.items():
            company_update(company=Company.objects.get(pk=pk), actor=actor, source=source,
                           credit_code=code)  # fmt: skip
        self.credit_codes = {}


class CodeBook:
    """Public codes as `project_codes_allocate` hands them out (per prefix and the year a
    project entered the pipeline, consecutive in row order), for a whole import: each
    year's sequence is locked and read once, counted on in memory, and stored by `save()`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.sequences: dict[int, CodeSequence] = {}
        self.last: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.sequences:
            seq = CodeSequence.objects.select_for_update().get_or_create(
                prefix=self.prefix, year=year
            )[0]
            self.sequences[year], self.last[year] = seq, seq.last
        self.last[year] += 1
        return project_code(self.prefix, year, self.last[year])

    def save(self) -> None:
        for year, seq in self.sequences.items():
            if self.last[year] != seq.last:
                CodeSequence.objects.filter(pk=seq.pk).update(last=self.last[year])


@dataclass
class Batch:
    """What the new rows of one chunk share: keys, codes, companies, source and time."""

    source: str
    now: dt.datetime
    pool: IdPool
    register: Register
    codes: CodeBook
    actor_id: int | None = None  # who runs the import: named by every row it writes


FOREIGN = {f.name: f.attname for f in Project._meta.concrete_fields if f.is_relation}
WRITTEN = [k for k in EDITABLE_FIELDS if k not in ("tags", "sponsors")]


@dataclass(slots=True)
class Draft:
    """A new project's rows as `project_create` and `project_move_to_stage` would write
    them, but for what only the writing process hands out: its key, code and investor,
    and its stage entries' keys. Built where the row is checked (a worker process)."""

    row: dict[str, Any]  # the columns not at their default (a draft travels between processes)
    entries: list[tuple[Any, ...]]  # (seq, stage, sign kind, effective, until, out of order, note)
    year: int  # the year its code is counted in
    investor: str  # the investor's name as typed, "" for none
    tags: tuple[int, ...] = ()  # its tags' keys (written as `project_create` sets them)


def draft_project(parsed: Any, cleaned: dict[str, Any], source: str) -> Draft:
    """The draft of a new project from a parsed row and its cleaned form data."""
    defaults = new_row(Project)
    row: dict[str, Any] = {}  # only what differs from the defaults (see create_projects)
    for name in WRITTEN:
        if name not in cleaned:
            continue
        value = cleaned[name]
        column = FOREIGN.get(name, name)
        if name in FOREIGN:
            value = getattr(value, "pk", value)
        default = defaults[column]
        if value is default or (value == default and type(value) is type(default)):
            continue
        row[column] = value
    row["name"] = cleaned["name"].strip()
    row["normalized_name"] = normalize_project_name(cleaned["name"])
    entries = history_of(parsed.events, source)
    ordered = sorted(entries, key=lambda e: (e["effective_on"], e["seq"]))
    latest = (ordered[-1]["stage"], ordered[-1]["effective_on"])
    row.update(derived_dates([(e["effective_on"], e["stage"]) for e in ordered], latest=latest))
    ends = spans_until([e["effective_on"] for e in ordered])
    until = {id(e): end for e, end in zip(ordered, ends, strict=True)}
    rows = [(e["seq"], str(e["stage"]), str(e["sign_kind"]), e["effective_on"],
             until.get(id(e)), e["out_of_order"], e["note"]) for e in ordered]  # fmt: skip
    typed = (cleaned.get("investor_name") or "").strip()
    tags = tuple(t.pk for t in cleaned.get("tags") or ())
    return Draft(row, rows, entries[0]["effective_on"].year, typed, tags)


def create_projects(items: list[tuple[Any, Draft]], batch: Batch) -> list[int]:
    """Insert new projects from (parsed row, draft) pairs, with their stage entries,
    change history and new companies; their keys, in order."""
    if not items:
        return []
    pool, source, now = batch.pool, batch.source, batch.now
    rows, entry_rows = [], []
    tagged: list[tuple[int, tuple[int, ...]]] = []
    for parsed, draft in items:
        row = new_row(Project)
        row.update(draft.row)
        if draft.investor:
            row["investor_id"] = batch.register.key(draft.investor, parsed.credit_code, pool)
        row["code"] = batch.codes.next(draft.year)
        row["id"] = pk = pool.take(Project)
        rows.append(row)
        if draft.tags:
            tagged.append((pk, draft.tags))
        for seq, stage, kind, day, until, flagged, note in draft.entries:
            entry_rows.append({"project_id": pk, "seq": seq,  # the database numbers them
                               "stage": stage, "sign_kind": kind, "effective_on": day,
                               "action": EntryAction.MOVE.value, "corrects_id": None,
                               "in_effect": True, "valid_until": until, "out_of_order": flagged,
                               "note": note, "evidence": "", "source": source,
                               "recorded_by_id": batch.actor_id, "recorded_at": now})  # fmt: skip
    batch.register.write(now=now, source=source, actor_id=batch.actor_id)
    pks = insert_new_rows(Project, rows, now=now, history_reason=source,
                          history_user_id=batch.actor_id)  # fmt: skip
    insert_rows(StageEntry, entry_rows)
    for pk, tags in tagged:  # as `project_create` sets them: one creation row holding them
        project = Project.objects.get(pk=pk)
        project.history.all().delete()  # the bulk creation row, written again with the tags
        project._change_reason = source  # type: ignore[attr-defined]
        project._history_user = (  # type: ignore[attr-defined]
            User.objects.get(pk=batch.actor_id) if batch.actor_id else None
        )
        save_with_sets(project, {"tags": tags}, created=True)
    return pks
