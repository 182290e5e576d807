"""Whether a record about to be saved holds what is stored already.

Duck-typed over Django models (no import of Django): an edit submitted unchanged must not
be saved, for a save writes a change-history row and moves the timestamps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def is_unchanged(obj: Any, m2m: dict[str, Iterable[Any]] | None = None) -> bool:
    """True when `obj`, an existing row with new values set on it, holds what is stored:
    every column (automatic timestamps aside) and each many-to-many set in `m2m`."""
    if obj.pk is None:
        return False
    fields = [
        f for f in obj._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
    ]  # fmt: skip
    stored = type(obj)._default_manager.filter(pk=obj.pk).values(*[f.attname for f in fields])
    row = stored.first()
    if row is None or any(getattr(obj, f.attname) != row[f.attname] for f in fields):
        return False
    for name, values in (m2m or {}).items():
        current = set(getattr(obj, name).values_list("pk", flat=True))
        if current != {getattr(v, "pk", v) for v in values}:
            return False
    return True
