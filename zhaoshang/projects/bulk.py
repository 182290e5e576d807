"""Plain multi-row inserts for the loaders that write tens of thousands of rows at once
(the demo city, a sheet import's new projects).

Django's bulk_create spends most of its time compiling values field by field, and on
SQLite it may bind only 999 parameters a statement (some twenty projects); rows prepared
column by column and sent many to a statement (COPY on PostgreSQL) are an order of
magnitude faster. What is inserted is exactly the rows the services write, built by the
callers; this module only moves them to the database:

- `insert_rows` writes rows (column by column adapted, many rows a statement).
- `reserve_ids` hands out primary keys before the rows are written, so that rows pointing
  at each other (a project, its stage entries) are built in one go, without reading keys
  back; `copy_history` has the database copy new rows into their change history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import Any

from django.db import connection, models

from zhaoshang.projects.models import Project


def _literal(value: Any) -> str | None:
    """`value` as an SQLite literal, for the plain values columns repeat (else None)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _copy_text(value: Any) -> str:
    """`value` in COPY's text format (PostgreSQL), for the types these tables hold."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t")
            value = value.replace("\n", "\\n").replace("\r", "\\r")
        return value
    if type(value) is int or isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):  # a datetime too: ISO 8601 with its offset
        return value.isoformat()
    raise TypeError(type(value))


def _copy_lines(columns_values: list[list[Any]]) -> list[str] | None:
    """The rows as lines of COPY text, each distinct value of a column formatted once
    (psycopg's `write_row` formats every value of every row: most of an import's COPY
    time); None if a column holds a value of another type (it then takes `write_row`)."""
    texts = []
    try:
        for values in columns_values:
            once = {v: _copy_text(v) for v in set(values)}
            texts.append(list(map(once.__getitem__, values)))
    except TypeError:  # unhashable, or a type _copy_text does not write
        return None
    return ["\t".join(row) + "\n" for row in zip(*texts, strict=True)]


Statement = tuple[str, str, list[Any]]


def _statement(model: Any, rows: list[dict[str, Any]]) -> Statement:
    """The INSERT (or COPY) of `model`'s table for these rows: its head, the shape of one
    row of VALUES, and the values, adapted for the database."""
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
    # Built column by column (itemgetter, map and zip run in C), each distinct value of a
    # column that needs adapting adapted once: dates and timestamps repeat across rows.
    columns_values = []
    for column in columns:
        values = list(map(itemgetter(column), rows))
        if column in adapt:
            once = {v: adapt[column](v) for v in set(values)}
            values = list(map(once.__getitem__, values))
        columns_values.append(values)
    if connection.vendor == "postgresql":
        lines = _copy_lines(columns_values)
        if lines is not None:
            return f"COPY {table} ({names}) FROM STDIN", "text", lines
        return f"COPY {table} ({names}) FROM STDIN", "", list(zip(*columns_values, strict=True))
    # On SQLite a column holding the same plain value in every row (the defaults most
    # rows leave, the import's source, its time) is written once as a literal instead of
    # being bound row by row: binding is a good part of an insert's cost.
    marks, varying = [], []
    for values in columns_values:
        literal = _literal(values[0]) if values.count(values[0]) == len(values) else None
        if literal is None:
            marks.append("?")
            varying.append(values)
        else:
            marks.append(literal)
    shape = "(" + ", ".join(marks) + ")"
    bound = list(zip(*varying, strict=True)) if varying else [()] * len(rows)
    return f"INSERT INTO {table} ({names}) VALUES ", shape, bound


# Rows per INSERT on SQLite: one statement of many rows costs less than one step per row,
# but Python's sqlite3 keeps the last 128 prepared statements of a connection, and a
# statement's program grows with its rows (about 1 MB at 1,000 rows): with each chunk's
# literals making its statements new, 1,000 rows held ~100 MB; 100 rows are as fast.
SQLITE_ROWS = 100
SQLITE_PARAMETERS = 30_000  # the default limit is 32,766


def _execute(raw: Any, sql: str, shape: str, values: list[Any]) -> None:
    """Run a statement from `_statement` on the DB-API connection `raw`."""
    cursor = raw.cursor()
    try:
        if sql.startswith("COPY"):
            # COPY streams the rows in one command: several times faster than INSERTs.
            with cursor.copy(sql) as copy:
                if shape == "text":  # lines from `_copy_lines`, sent some thousands at a time
                    for i in range(0, len(values), 5000):
                        copy.write("".join(values[i : i + 5000]))
                else:
                    for value in values:
                        copy.write_row(value)
            return
        per = min(SQLITE_ROWS, SQLITE_PARAMETERS // max(1, len(values[0]) if values else 1))
        full = sql + ", ".join([shape] * per)
        for i in range(0, len(values), per):
            part = values[i : i + per]
            statement = full if len(part) == per else sql + ", ".join([shape] * len(part))
            cursor.execute(statement, list(chain.from_iterable(part)))
    finally:
        cursor.close()


def insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (column attname → value, the same columns in each) now."""
    if rows:
        connection.ensure_connection()
        _execute(connection.connection, *_statement(model, rows))


def reserve_ids(model: Any, count: int) -> list[int]:
    """`count` primary keys of `model`'s table that no other row has or will be given.

    PostgreSQL: taken from the table's sequence (safe beside other sessions). SQLite: the
    keys after the highest ever given (AUTOINCREMENT remembers it); the caller's
    transaction holds SQLite's write lock, so nobody else inserts until it ends."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.get_autocommit():
            raise RuntimeError("reserve_ids needs the caller's transaction on SQLite")
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) FROM {quoted}")
        (highest,) = cursor.fetchone()
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        first = max(highest, seq[0] if seq else 0) + 1
        return list(range(first, first + count))


class IdPool:
    """Keys reserved at once for rows built one by one (at most `counts[model]` of each
    model), handed out in order."""

    def __init__(self, counts: dict[Any, int]) -> None:
        self._ids = {model: iter(reserve_ids(model, n)) for model, n in counts.items()}

    def take(self, model: Any) -> int:
        return next(self._ids[model])


_DEFAULTS: dict[Any, dict[str, Any]] = {}


def new_row(model: Any) -> dict[str, Any]:
    """A row of `model` with every column at its default (the caller fills in the rest).
    The defaults of these models are constants, read once."""
    if model not in _DEFAULTS:
        _DEFAULTS[model] = {f.attname: f.get_default() for f in model._meta.concrete_fields
                            if not f.primary_key}  # fmt: skip
    return dict(_DEFAULTS[model])


def copy_history(
    model: Any, ids: list[int], *, now: dt.datetime, reason: str, user_id: int | None = None
) -> None:
    """The creation rows of their change history (django-simple-history's "+" row, as a
    save would write it) for rows of `model` just inserted with these keys: copied by the
    database itself, one INSERT … SELECT, rather than built and sent row by row."""
    if not ids:
        return
    historical = model.history.model
    quote = connection.ops.quote_name
    own = {f.attname for f in model._meta.concrete_fields}
    columns = ", ".join(quote(f.column) for f in historical._meta.concrete_fields
                        if f.attname in own)  # fmt: skip
    head = (
        f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, history_date, history_type,"
        f" history_change_reason, history_user_id) SELECT {columns}, %s, '+', %s, %s"
        f" FROM {quote(model._meta.db_table)} WHERE "
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        _for_ids(cursor, head, "id", ids, [stamp, reason, user_id], order=True)
        for field in getattr(historical, "_history_m2m_fields", []):
            # the sets the rows were created with, held by their creation rows (as a save
            # followed by setting them would leave them in one "+" row)
            _copy_m2m_history(cursor, model, historical, field, ids, stamp)


def _for_ids(
    cursor: Any, head: str, key: str, ids: list[int], params: list[Any], *, order: bool = False
) -> None:
    """Run `head` (a statement ending in WHERE) for rows whose `key` is one of `ids`."""
    tail = f" ORDER BY {key}" if order else ""
    if connection.vendor == "postgresql":
        cursor.execute(head + f"{key} = ANY(%s)" + tail, [*params, list(ids)])
    elif max(ids) - min(ids) + 1 == len(ids):  # SQLite's reserved keys are consecutive
        cursor.execute(head + f"{key} BETWEEN %s AND %s" + tail, [*params, min(ids), max(ids)])
    else:
        for k in range(0, len(ids), 5000):
            part = ids[k : k + 5000]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(head + f"{key} IN ({marks})" + tail, [*params, *part])


def _copy_m2m_history(
    cursor: Any, model: Any, historical: Any, field: Any, ids: list[int], stamp: Any
) -> None:
    quote = connection.ops.quote_name
    m2m_history = getattr(historical, field.name).model
    through = getattr(model, field.name).through
    source = quote(field.m2m_column_name())
    own = {f.column for f in through._meta.concrete_fields}
    columns = [f.column for f in m2m_history._meta.concrete_fields if f.column in own]
    listed = ", ".join(quote(c) for c in columns)
    picked = ", ".join(f"t.{quote(c)}" for c in columns)
    head = (
        f"INSERT INTO {quote(m2m_history._meta.db_table)} (history_id, {listed})"
        f" SELECT h.history_id, {picked} FROM {quote(through._meta.db_table)} t"
        f" JOIN {quote(historical._meta.db_table)} h ON h.id = t.{source}"
        f" AND h.history_type = '+' AND h.history_date = %s WHERE t."
    )
    _for_ids(cursor, head, source, ids, [stamp])


def insert_new_rows(
    model: Any,
    rows: list[dict[str, Any]],
    *,
    now: dt.datetime,
    history_reason: str | None,
    history_user_id: int | None = None,
) -> list[int]:
    """Insert new rows of a model (as dicts: for a hundred thousand rows building model
    instances alone takes seconds) with the keys they carry in "id" (an import's, taken
    from an `IdPool`) or keys reserved for them here, and unless `history_reason` is None
    the creation row of their change history. Returns the keys in row order."""
    missing = [row for row in rows if row.get("id") is None]  # keys not given by the caller
    fresh = reserve_ids(model, len(missing))
    for row, pk in zip(missing, fresh, strict=True):
        row["id"] = pk
    ids = [row["id"] for row in rows]
    for row in rows:
        for name in ("created_at", "updated_at"):
            if name in row:
                row[name] = now
    insert_rows(model, rows)
    if history_reason is not None:
        copy_history(model, ids, now=now, reason=history_reason, user_id=history_user_id)
    return ids


def insert_projects(
    projects: list[Project], *, now: dt.datetime, history_reason: str | None = None
) -> list[Project]:
    """Project instances (the demo builds them) by `insert_new_rows`; their keys are set."""
    fields = [f for f in Project._meta.concrete_fields if not f.primary_key]
    rows = [{f.attname: getattr(p, f.attname) for f in fields} for p in projects]
    pks = insert_new_rows(Project, rows, now=now, history_reason=history_reason)
    for project, pk in zip(projects, pks, strict=True):
        project.pk = pk
    return projects


def copy_history_of_created(
    model: Any, objs: list[Any], *, now: dt.datetime, reason: str, user_id: int | None = None
) -> None:
    """`copy_history` for objects just written by `bulk_create` (the demo's): their keys,
    or, where `ignore_conflicts` returned none, every row of `model` still without history."""
    ids = [o.pk for o in objs if o.pk is not None]
    if len(ids) < len(objs):
        written = model.history.model.objects.values("id")
        ids = list(model._base_manager.exclude(pk__in=written).values_list("pk", flat=True))
    copy_history(model, sorted(ids), now=now, reason=reason, user_id=user_id)
