"""The change history of a project as people read it: who, when, which field, before → after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from zhaoshang.lib.money import plain
from zhaoshang.projects.models import Project


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    reason: str
    field: str
    before: str
    after: str


def _show(value: Any, field: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):  # a many-to-many field: rows of its through table
        target = field.related_model
        key = target._meta.model_name
        ids = [row.get(key) for row in value if isinstance(row, dict)]
        return "、".join(str(o) for o in target._default_manager.filter(pk__in=ids)) or "—"
    if field.is_relation and field.related_model is not None:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):  # a recorded amount: as entered, 23800 not 23800.0000
        return plain(value)
    return str(value)


def project_changes(project: Project, limit: int = 200) -> list[Change]:
    """Field changes, newest first; the creation row shows as "登记"."""
    records = list(project.history.select_related("history_user").order_by("-history_date")[:limit])
    changes: list[Change] = []
    if not records:  # bulk-loaded rows (the demo) have no history
        return changes
    for record, older in zip(records, [*records[1:], None], strict=True):
        who = str(record.history_user) if record.history_user else "系统"
        reason = record.history_change_reason or ""
        if older is None:
            changes.append(Change(record.history_date, who, reason, "登记", "", project.name))
            continue
        for delta in record.diff_against(older).changes:
            field: Any = Project._meta.get_field(delta.field)
            changes.append(Change(record.history_date, who, reason, str(field.verbose_name),
                                  _show(delta.old, field), _show(delta.new, field)))  # fmt: skip
    return changes
