"""Class test (issue 12 §4): arrivals recorded, corrected and withdrawn and rates edited
and recalculated in random order; after every step each month's 实际到资 / 实际利用外资
equals a plain-Python recomputation from the arrivals as they stood, and editing a rate
alone never moves a figure."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from zhaoshang.figures.capital import capital_figures
from zhaoshang.org.models import Unit
from zhaoshang.projects.models import FxRate, Project
from zhaoshang.projects.services import (
    capital_arrival_correct,
    capital_arrival_record,
    capital_arrival_retract,
    capital_arrivals_recalculate,
    project_create,
)

MONTHS = [dt.date(2023, m, 1) for m in (3, 4, 5)]
Q = Decimal("0.0001")

rates = st.decimals(min_value=Decimal("6.5"), max_value=Decimal("7.5"), places=2)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
op = st.one_of(
    st.tuples(
        st.just("record"),
        amounts,
        st.sampled_from(["CNY", "USD"]),
        st.booleans(),
        st.integers(0, 2),
        st.integers(1, 28),
    ),
    st.tuples(st.just("correct"), st.integers(0, 30), amounts, st.integers(0, 2)),
    st.tuples(st.just("retract"), st.integers(0, 30)),
    st.tuples(st.just("rate"), st.integers(0, 2), rates),
    st.tuples(st.just("recalculate"), st.integers(0, 2)),
)


@dataclass
class Row:
    """An arrival as the replay knows it, with the rate it was converted at."""

    pk: int
    amount: Decimal
    currency: str
    foreign: bool
    on: dt.date
    rate: Decimal

    def cny(self) -> Decimal:
        v = self.amount if self.currency == "CNY" else self.amount * self.rate
        return v.quantize(Q, ROUND_HALF_UP)

    def usd(self) -> Decimal:
        if not self.foreign:
            return Decimal(0)
        v = self.amount if self.currency == "USD" else self.amount / self.rate
        return v.quantize(Q, ROUND_HALF_UP)


def replay(rows: dict[int, Row], month: dt.date) -> tuple[Decimal, Decimal, int]:
    inside = [r for r in rows.values() if r.on.replace(day=1) == month]
    return (
        sum((r.cny() for r in inside), Decimal(0)),
        sum((r.usd() for r in inside), Decimal(0)),
        len(inside),
    )


def figures(month: dt.date) -> tuple[Decimal, Decimal, int]:
    end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    f = capital_figures(projects=Project.objects.all(), start=month, end=end)
    return f.arrived_cny_wan, f.foreign_usd_wan, f.arrivals


class ArrivalReplayTest(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=st.lists(op, min_size=1, max_size=12))
    def test_past_figures_equal_the_rows_as_they_stood(self, steps):
        unit = Unit.objects.get(code="350112")
        project = project_create(
            actor=None, unit=unit, name="长乐外资电子信息项目", effective_on=dt.date(2023, 1, 5)
        )
        table = {m: Decimal("7.10") for m in MONTHS}
        for m, r in table.items():
            FxRate.objects.create(month=m, cny_per_usd=r)
        rows: dict[int, Row] = {}
        for step in steps:
            before = {m: figures(m) for m in MONTHS}
            kind = step[0]
            live = sorted(rows)
            if kind == "record":
                _, amount, currency, foreign, m, day = step
                on = MONTHS[m].replace(day=day)
                a = capital_arrival_record(
                    project=project,
                    amount=amount,
                    currency=currency,
                    is_foreign=foreign,
                    arrived_on=on,
                    actor=None,
                )
                rows[a.pk] = Row(a.pk, amount, currency, foreign, on, table[MONTHS[m]])
            elif kind == "correct" and live:
                _, i, amount, m = step
                old = rows.pop(live[i % len(live)])
                on = MONTHS[m].replace(day=old.on.day)
                if (amount, on) == (old.amount, old.on):
                    rows[old.pk] = old
                    continue
                a = capital_arrival_correct(
                    arrival=old_row(old.pk),
                    actor=None,
                    note="核对回单",
                    amount=amount,
                    arrived_on=on,
                )
                rate = (
                    old.rate
                    if on.replace(day=1) == old.on.replace(day=1)
                    else table[on.replace(day=1)]
                )
                rows[a.pk] = Row(a.pk, amount, old.currency, old.foreign, on, rate)
            elif kind == "retract" and live:
                pk = live[step[1] % len(live)]
                capital_arrival_retract(arrival=old_row(pk), actor=None, note="重复登记")
                del rows[pk]
            elif kind == "rate":
                _, m, rate = step
                FxRate.objects.filter(month=MONTHS[m]).update(cny_per_usd=rate)
                table[MONTHS[m]] = rate
                after = {mm: figures(mm) for mm in MONTHS}
                assert after == before  # a rate edit alone moves no reported figure
            elif kind == "recalculate":
                month = MONTHS[step[1]]
                for a in capital_arrivals_recalculate(month=month, actor=None, reason="汇率更正"):
                    old = rows.pop(a.corrects_id)
                    rows[a.pk] = Row(a.pk, old.amount, old.currency, old.foreign, old.on, a.rate)
                    assert a.rate == table[month]
            for m in MONTHS:
                assert figures(m) == replay(rows, m), (step, m)


def old_row(pk: int):
    from zhaoshang.projects.models import CapitalArrival

    return CapitalArrival.objects.get(pk=pk)
