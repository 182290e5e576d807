"""Plain multi-row inserts for the loaders that write tens of thousands of rows at once
(the demo city, a sheet import's new projects).

Django's bulk_create spends most of its time compiling values field by field, and on
SQLite it may bind only 999 parameters a statement (some twenty projects); executemany of
prepared tuples is an order of magnitude faster. What is inserted is exactly the rows the
services write, built by the callers; these functions only move them to the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from django.db import connection, models

from zhaoshang.projects.models import Project


def insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (column attname → value) of `model`'s table; no keys come back."""
    if not rows:
        return
    ops = connection.ops
    columns = list(rows[0])
    adapters: dict[type, Callable[[Any], Any]] = {
        models.DateTimeField: ops.adapt_datetimefield_value,
        models.DateField: ops.adapt_datefield_value,
        models.DecimalField: lambda v: None if v is None else str(v),
    }
    adapt = {}
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    for column in columns:
        field = by_attname[column]
        for kind, adapter in adapters.items():  # DateTimeField first: it is a DateField
            if isinstance(field, kind):
                adapt[column] = adapter
                break
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(by_attname[c].column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    # Built column by column (itemgetter, map and zip run in C), each distinct value of a
    # column that needs adapting adapted once: dates and timestamps repeat across rows.
    columns_values = []
    for column in columns:
        values = list(map(itemgetter(column), rows))
        if column in adapt:
            once = {v: adapt[column](v) for v in set(values)}
            values = list(map(once.__getitem__, values))
        columns_values.append(values)
    values = list(zip(*columns_values, strict=True))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: several times faster than INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def insert_projects(
    projects: list[Project], *, now: dt.datetime, history_reason: str | None = None
) -> list[Project]:
    """Project instances (the demo builds them) by `insert_new_rows`; their keys are set."""
    fields = [f for f in Project._meta.concrete_fields if not f.primary_key]
    rows = [{f.attname: getattr(p, f.attname) for f in fields} for p in projects]
    pks = insert_new_rows(Project, rows, key="code", now=now, history_reason=history_reason)
    for project, pk in zip(projects, pks, strict=True):
        project.pk = pk
    return projects


_DEFAULTS: dict[Any, dict[str, Any]] = {}


def new_row(model: Any) -> dict[str, Any]:
    """A row of `model` with every column at its default (the caller fills in the rest).
    The defaults of these models are constants, read once."""
    if model not in _DEFAULTS:
        _DEFAULTS[model] = {f.attname: f.get_default() for f in model._meta.concrete_fields
                            if not f.primary_key}  # fmt: skip
    return dict(_DEFAULTS[model])


def insert_new_rows(
    model: Any, rows: list[dict[str, Any]], *, key: str, now: dt.datetime,
    history_reason: str | None, among: dict[str, Any] | None = None,
) -> list[int]:  # fmt: skip
    """Insert new rows of a model (as dicts: for a hundred thousand rows building model
    instances alone takes seconds), read their primary keys back by `key` (unique among
    the rows `among` selects), and unless `history_reason` is None write the creation row
    of their change history (django-simple-history's "+" row), as a save would. Returns
    the keys in row order."""
    for row in rows:
        for name in ("created_at", "updated_at"):
            if name in row:
                row[name] = now
    insert_rows(model, rows)
    values = [row[key] for row in rows]
    keys: dict[Any, int] = {}
    for i in range(0, len(values), 5000):
        keys.update(model.objects.filter(**{f"{key}__in": values[i : i + 5000]}, **(among or {}))
                    .values_list(key, "pk"))  # fmt: skip
    pks = [keys[v] for v in values]
    if history_reason is not None:
        historical = model.history.model
        own = {f.attname for f in model._meta.concrete_fields}
        tracked = [f.attname for f in historical._meta.concrete_fields if f.attname in own]
        insert_rows(historical, [
            {**{a: (pk if a == "id" else row[a]) for a in tracked}, "history_date": now,
             "history_type": "+", "history_change_reason": history_reason,
             "history_user_id": None}
            for row, pk in zip(rows, pks, strict=True)
        ])  # fmt: skip
    return pks
