"""Reusable project filters. Lists start from `visible_to(user)`, never from `.all()`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import OuterRef, Subquery

from zhaoshang.org import access

if TYPE_CHECKING:
    from zhaoshang.org.models import Unit


class ProjectQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ProjectQuerySet:
        q = access.project_read_q(user)
        return self if q is None else self.filter(q)

    def writable_by(self, user: Any) -> ProjectQuerySet:
        q = access.project_write_q(user)
        return self if q is None else self.filter(q)

    def in_unit(self, unit: Unit) -> ProjectQuerySet:
        """Projects owned by the unit or anything under it."""
        from zhaoshang.org.models import Unit

        return self.filter(unit_id__in=Unit.objects.subtree(unit).values("id"))

    def with_stage_on(self, as_of: date) -> ProjectQuerySet:
        """Annotate `stage_as_of`: the stage in effect on `as_of` (None before the first entry)."""
        from zhaoshang.projects.models import StageEntry

        latest = (
            StageEntry.objects.filter(
                project_id=OuterRef("pk"), in_effect=True, effective_on__lte=as_of
            )
            .order_by("-effective_on", "-seq")
            .values("stage")[:1]
        )
        return self.annotate(stage_as_of=Subquery(latest))
