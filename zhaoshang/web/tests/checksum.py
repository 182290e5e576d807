"""A checksum of every table: a refused write must leave the database exactly as it was."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.apps import apps

# What signing in and being refused leave behind, not the books: sessions, the sign-in
# lockout's log, and the time a token was last used.
ALWAYS_IGNORED = {"sessions.session", "axes.accesslog", "axes.accessattempt",
                  "axes.accessfailurelog", "axes.accessattemptexpiration",
                  "admin.logentry"}  # fmt: skip
IGNORED_COLUMNS = {"org.accesstoken": {"last_used_at"}, "org.user": {"last_login"}}


def tables() -> list[type]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def checksum(*, ignore: Iterable[str] = ()) -> dict[str, tuple[int, str]]:
    """label → (row count, hash of every row's values), for every table but `ignore`."""
    skipped = ALWAYS_IGNORED | {label.lower() for label in ignore}
    sums: dict[str, tuple[int, str]] = {}
    for model in tables():
        label = model._meta.label_lower
        if label in skipped:
            continue
        columns = [f.attname for f in model._meta.concrete_fields
                   if f.attname not in IGNORED_COLUMNS.get(label, set())]  # fmt: skip
        digest = hashlib.sha256()
        count = 0
        rows = model._base_manager.order_by("pk").values_list(*columns)
        for row in rows.iterator(chunk_size=2000):
            digest.update(repr(row).encode())
            count += 1
        sums[label] = (count, digest.hexdigest())
    return sums


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
