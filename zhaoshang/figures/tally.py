"""What a figure is: a count and an exact amount. Django-free."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhaoshang.lib.money import WAN_PLACES, plain

ZERO = Decimal(0)


@dataclass(frozen=True)
class Tally:
    """A count of projects and the sum of their amounts in 万元 (projects without an
    amount are counted but add nothing: no amount is not zero, and not a guess)."""

    count: int = 0
    amount_wan: Decimal = ZERO

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.amount_wan + other.amount_wan)

    def as_json(self) -> dict[str, object]:
        return {"count": self.count, "amount_wan": plain(self.amount_wan)}


BUCKETS = ("lead", "signed", "landed")
BUCKET_LABELS = {"lead": "线索", "signed": "已签约", "landed": "落地"}


@dataclass(frozen=True)
class Snapshot:
    """The pipeline as of a date: every project not dropped, in exactly one bucket."""

    as_of: date
    buckets: dict[str, Tally] = field(default_factory=dict)

    @property
    def total(self) -> Tally:
        return sum((self.buckets.get(b, Tally()) for b in BUCKETS), Tally())

    def bucket(self, name: str) -> Tally:
        return self.buckets.get(name, Tally())

    def as_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.total.as_json(),
            "buckets": {b: self.bucket(b).as_json() for b in BUCKETS},
        }


FLOW_STAGES = ("signed", "landed", "construction", "operating")


def from_scaled(value: int | None) -> Decimal:
    """An integer sum of amounts scaled by 10⁴ (one yuan) back to exact 万元."""
    return Decimal(value or 0).scaleb(-WAN_PLACES)
