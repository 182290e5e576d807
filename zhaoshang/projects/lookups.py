"""`field__any_of=[...]`: a value among many, for the import's lookups of thousands of
names at once. Django's `__in` binds one parameter per value, and psycopg (Django's
client-side binding) splices thousands of them into the query text. On PostgreSQL this
sends the list as one array, joined as `IN (SELECT unnest(array))`: the planner then counts
on a few rows and probes the index, where `= ANY('{…}')` with thousands of elements (and
statistics that do not know the rows an import has just added) made it scan the table.
Elsewhere (SQLite) it is `IN (…)`, as `__in` writes it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models


@models.CharField.register_lookup
class AnyOf(models.Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self) -> list[str]:
        return [str(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(dict.fromkeys(self.rhs))
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} IN (SELECT unnest(%s::text[]))", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
