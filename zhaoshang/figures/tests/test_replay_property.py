"""Property: for random histories made through the services, the database snapshot as of
a random date equals a plain-Python replay of the same histories."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from zhaoshang.figures.pipeline import BUCKET_OF_STAGE, pipeline_snapshot
from zhaoshang.org.models import Unit
from zhaoshang.projects.models import Project, StageEntry
from zhaoshang.projects.services import (
    project_create,
    project_move_to_stage,
    stage_entry_correct,
    stage_entry_retract,
)
from zhaoshang.projects.stages import LIVE_STAGES, Stage

START = dt.date(2015, 1, 1)
SPAN = 3600
STAGES = [*LIVE_STAGES, Stage.DROPPED]

# Few distinct dates, so that entries often share a day (the order then rests on seq).
dates = st.integers(min_value=0, max_value=12).map(lambda k: START + dt.timedelta(days=k * 300))
as_of_days = st.integers(min_value=-1, max_value=SPAN + 400).map(
    lambda d: START + dt.timedelta(days=d)
)
amounts = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=Decimal("99999999.9999"), places=4, allow_nan=False),
)
ops = st.lists(
    st.tuples(
        st.sampled_from(["move", "move", "move", "correct", "retract"]),
        st.sampled_from(STAGES),
        dates,
        st.integers(min_value=0, max_value=20),  # which entry a correction/retraction hits
    ),
    max_size=6,
)
projects = st.lists(
    st.tuples(amounts, st.sampled_from(LIVE_STAGES[:3]), dates, ops), min_size=1, max_size=6
)


@dataclass
class Model:
    """The plain-Python replay: entries in effect as (date, seq, stage)."""

    amount: Decimal | None
    entries: dict[int, tuple[dt.date, str]] = field(default_factory=dict)

    def stage_on(self, day: dt.date) -> str | None:
        past = sorted((d, seq, s) for seq, (d, s) in self.entries.items() if d <= day)
        return past[-1][2] if past else None


def replay(models: list[Model], day: dt.date) -> dict[str, tuple[int, Decimal]]:
    out: dict[str, tuple[int, Decimal]] = {}
    for m in models:
        bucket = BUCKET_OF_STAGE.get(m.stage_on(day) or "")
        if bucket:
            n, total = out.get(bucket, (0, Decimal(0)))
            out[bucket] = (n + 1, total + (m.amount or 0))
    return out


class SnapshotReplayTest(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(projects=projects, days=st.lists(st.one_of(dates, as_of_days), min_size=1, max_size=4))
    def test_database_snapshot_equals_python_replay(self, projects, days):
        unit = Unit.objects.get(code="350112")
        models = []
        for i, (amount, first_stage, entered, steps) in enumerate(projects):
            p = project_create(
                actor=None,
                unit=unit,
                name=f"项目{i}",
                effective_on=entered,
                stage=first_stage,
                total_investment=amount,
            )
            model = Model(amount=amount, entries={1: (entered, first_stage)})
            for action, stage, day, pick in steps:
                self._apply(p, model, action, stage, day, pick)
            models.append(model)
        for day in [*days, timezone.localdate(), timezone.localdate() + dt.timedelta(days=30)]:
            snap = pipeline_snapshot(projects=Project.objects.filter(unit=unit), as_of=day)
            got = {b: (t.count, t.amount_wan) for b, t in snap.buckets.items()}
            assert got == replay(models, day)

    def _apply(self, project, model, action, stage, day, pick):
        in_effect = list(project.stage_entries.filter(in_effect=True).order_by("seq"))
        try:
            if action == "move":
                entry = project_move_to_stage(
                    project=project,
                    stage=stage,
                    effective_on=day,
                    actor=None,
                    note="原因" if stage == Stage.DROPPED else "",
                    confirm_out_of_order=True,
                )
                model.entries[entry.seq] = (day, stage)
            elif action == "correct":
                target = in_effect[pick % len(in_effect)]
                stage_entry_correct(
                    entry=target,
                    stage=stage,
                    effective_on=day,
                    note="更正",
                    actor=None,
                    confirm_out_of_order=True,
                )
                model.entries[target.seq] = (day, stage)
            else:
                target = in_effect[pick % len(in_effect)]
                stage_entry_retract(entry=target, note="撤销", actor=None)
                del model.entries[target.seq]
        except ValidationError:
            pass  # refused moves (e.g. on a dropped project) change neither side
        # The cached stage is the replay's stage today.
        project.refresh_from_db()
        assert project.stage == model.stage_on(dt.date.max)
        assert StageEntry.objects.filter(project=project, in_effect=True).count() == len(
            model.entries
        )
