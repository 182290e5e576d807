"""The figures of a real briefing (长乐, 截至2017年7月) rebuilt from records made through
the services: 247 projects, 1947.6亿元; 落地105个 756.2亿元; 线索126个 769.01亿元;
已签约16个 422.39亿元 — plus records that must not count."""

import datetime as dt
import json
import random
from decimal import Decimal

import pytest

from zhaoshang.cli import main
from zhaoshang.factories import make_project
from zhaoshang.figures.pipeline import pipeline_snapshot
from zhaoshang.lib.money import format_yi
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import (
    project_drop,
    project_move_to_stage,
    stage_entry_correct,
    stage_entry_retract,
)

AS_OF = dt.date(2017, 7, 31)


def split(total_yi: str, parts: int, rng: random.Random) -> list[Decimal]:
    """`parts` amounts in 万元, each a whole number of 0.01亿元, summing to `total_yi` 亿元."""
    cents = int(Decimal(total_yi) * 100)
    cuts = sorted(rng.sample(range(1, cents), parts - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, cents], strict=True)]
    return [Decimal(c) * 100 for c in sizes]


def day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


@pytest.fixture
def changle_2017(units, owner):
    rng = random.Random(20170731)
    n = 0

    def new(amount: Decimal, entered: dt.date, stage: str = "lead"):
        nonlocal n
        n += 1
        return make_project(
            unit=units.changle,
            name=f"长乐招商项目{n:03d}",
            entered_on=entered,
            stage=stage,
            amount=amount,
            actor=owner,
        )

    def move(p, stage, on, **kw):
        return project_move_to_stage(project=p, stage=stage, effective_on=on, actor=owner, **kw)

    for amount in split("756.2", 105, rng):  # 落地 and later by 7月31日
        p = new(amount, day(rng, dt.date(2016, 1, 1), dt.date(2016, 12, 31)), "negotiating")
        signed = day(rng, dt.date(2017, 1, 1), dt.date(2017, 5, 31))
        move(p, "signed", signed, sign_kind="contract")
        landed = day(rng, signed, dt.date(2017, 7, 31))
        if rng.random() < 0.1:  # recorded with the wrong date first, then corrected
            wrong = move(p, "landed", dt.date(2017, 8, 15))
            stage_entry_correct(
                entry=wrong, effective_on=landed, note="以营业执照日期为准", actor=owner
            )
        else:
            move(p, "landed", landed)
        if rng.random() < 0.3:
            move(p, "construction", day(rng, landed, dt.date(2017, 7, 31)))
    for amount in split("769.01", 126, rng):  # 线索 and 在谈 on the day
        p = new(amount, day(rng, dt.date(2016, 6, 1), dt.date(2017, 7, 31)))
        if rng.random() < 0.5:
            move(p, "negotiating", day(rng, p.entered_on, dt.date(2017, 7, 31)))
        if rng.random() < 0.2:  # signed later, after the briefing
            move(p, "signed", dt.date(2017, 9, 1))
    for amount in split("422.39", 16, rng):  # 已签约, landing only after the day
        p = new(amount, day(rng, dt.date(2016, 6, 1), dt.date(2017, 2, 28)))
        move(p, "signed", day(rng, dt.date(2017, 3, 1), dt.date(2017, 7, 31)), sign_kind="intent")
        if rng.random() < 0.5:
            move(p, "landed", dt.date(2017, 10, 10))
    # Records that must not count on 7月31日.
    gone = new(Decimal("50000"), dt.date(2016, 5, 1))
    project_drop(project=gone, effective_on=dt.date(2017, 3, 3), reason="企业迁往外地", actor=owner)
    new(Decimal("80000"), dt.date(2017, 8, 2))  # entered after the day
    retracted = new(Decimal("0"), dt.date(2017, 9, 1))
    stage_entry_retract(
        entry=move(retracted, "signed", dt.date(2017, 9, 2)), note="误录", actor=owner
    )
    make_project(
        unit=units.fuqing, name="福清项目", entered_on=dt.date(2016, 3, 1), amount="990000"
    )
    return units.changle


def test_seed_001_snapshot_is_exact(changle_2017):
    snap = pipeline_snapshot(projects=Project.objects.in_unit(changle_2017), as_of=AS_OF)
    assert (snap.total.count, format_yi(snap.total.amount_wan)) == (247, "1947.6亿元")
    assert (snap.bucket("landed").count, format_yi(snap.bucket("landed").amount_wan)) == (
        105,
        "756.2亿元",
    )
    assert (snap.bucket("lead").count, format_yi(snap.bucket("lead").amount_wan)) == (
        126,
        "769.01亿元",
    )
    assert (snap.bucket("signed").count, format_yi(snap.bucket("signed").amount_wan)) == (
        16,
        "422.39亿元",
    )


def test_seed_001_from_the_command_line(changle_2017, capsys):
    assert main(["snapshot", "--as-of", "2017-07-31", "--unit", "长乐区", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "as_of": "2017-07-31",
        "unit": "350112",
        "total": {"count": 247, "amount_wan": "19476000"},
        "buckets": {
            "lead": {"count": 126, "amount_wan": "7690100"},
            "signed": {"count": 16, "amount_wan": "4223900"},
            "landed": {"count": 105, "amount_wan": "7562000"},
        },
    }
    assert main(["snapshot", "--as-of", "2017-07-31", "--unit", "350112"]) == 0
    text = capsys.readouterr().out
    assert "长乐区 截至2017年7月31日" in text and "1947.60亿元" in text and "769.01亿元" in text
