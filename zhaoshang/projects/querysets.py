"""Reusable project filters. Lists start from `visible_to(user)`, never from `.all()`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery

from zhaoshang.org import access

if TYPE_CHECKING:
    from zhaoshang.org.models import Unit


def umbrella_q() -> Q:
    """Projects that have children (the few parents: a small subquery, indexed where set)."""
    from zhaoshang.projects.models import Project

    parents = Project.objects.filter(parent__isnull=False).values("parent_id")
    return Q(pk__in=parents)


class ProjectQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ProjectQuerySet:
        q = access.project_read_q(user)
        return self if q is None else self.filter(q)

    def writable_by(self, user: Any) -> ProjectQuerySet:
        q = access.project_write_q(user)
        return self if q is None else self.filter(q)

    def visible_under(self, user: Any, unit: Unit) -> ProjectQuerySet:
        """Projects owned under `unit` that `user` may read (a dashboard's scope)."""
        q = access.projects_owned_under(user, unit)
        return self if q is None else self.filter(q)

    def counted(self) -> ProjectQuerySet:
        """The projects figures count (DESIGN §7): a parent with children is an umbrella
        (项目群) — its children are counted, it is not. Every figure, list total, chart,
        table, ranking and briefing counts from here. A parent is an umbrella as long as it
        has children today (also in figures of dates before the split)."""
        return self.exclude(umbrella_q())

    def in_unit(self, unit: Unit) -> ProjectQuerySet:
        """Projects owned by the unit or anything under it."""
        from zhaoshang.org.models import Unit

        return self.filter(unit_id__in=Unit.objects.subtree(unit).values("id"))

    def in_effect_on(self, as_of: date, stages: list[str] | None = None) -> ProjectQuerySet:
        """Join each project to its history entry in effect on `as_of` (one per project; none
        before its first entry), optionally only where that entry's stage is in `stages`.
        Group on "stage_entries__stage" to count projects by their stage on that day."""
        span = Q(stage_entries__in_effect=True, stage_entries__effective_on__lte=as_of) & (
            Q(stage_entries__valid_until__isnull=True) | Q(stage_entries__valid_until__gt=as_of)
        )
        if stages is not None:
            span &= Q(stage_entries__stage__in=stages)
        return self.filter(span)  # one filter() call: one join, the same entry for every test

    def live_on(self, as_of: date) -> ProjectQuerySet:
        """Projects in the pipeline on `as_of`: entered by then and not dropped that day."""
        from django.utils import timezone

        from zhaoshang.projects.stages import LIVE_STAGES, Stage

        if as_of >= timezone.localdate():  # the latest entry is the one in effect
            return self.exclude(stage=Stage.DROPPED)
        # A correlated lookup per project rather than a join: with an ORDER BY … LIMIT
        # (the largest projects) the database stops after the first few matches.
        return self.with_stage_on(as_of).filter(stage_as_of__in=list(LIVE_STAGES))

    def with_stage_on(self, as_of: date) -> ProjectQuerySet:
        """Annotate `stage_as_of`: the stage in effect on `as_of` (None before the first entry)."""
        from zhaoshang.projects.models import StageEntry

        entry = StageEntry.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=as_of),
            project_id=OuterRef("pk"), in_effect=True, effective_on__lte=as_of,
        )  # fmt: skip
        return self.annotate(stage_as_of=Subquery(entry.values("stage")[:1]))
