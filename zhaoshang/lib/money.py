"""Exact money: amounts are Decimal 万元 (CNY) or 万美元 (USD); reports show 亿.

Django-free. Division by 10⁴ is exact in Decimal, so 769.01亿元 stays 769.01: a figure
is printed with exactly the digits its inputs had, trailing zeros dropped.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WAN_PER_YI = Decimal(10000)
# Stored amounts carry four decimals of 万元: one yuan. Sums are made on this scale.
WAN_PLACES = 4
WAN_QUANTUM = Decimal(1).scaleb(-WAN_PLACES)
MAX_WAN_DIGITS = 15  # SQLite keeps up to 15 significant digits exactly


def plain(value: Decimal) -> str:
    """A Decimal as a plain string without exponent or trailing zeros: 19476000, 769.01."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def wan_to_yi(wan: Decimal) -> Decimal:
    return wan / WAN_PER_YI


DERIVED_QUANTUM = Decimal("0.01")  # 亿元 / 亿美元 of a derived amount (DESIGN §7)


def format_yi(wan: Decimal | None, unit: str = "亿元", *, derived: bool = False) -> str:
    """万元 (万美元) → 亿元 (亿美元), the one rule of DESIGN §7 "Showing money": a recorded
    amount with exactly the digits it was entered with ("2.38亿元", "1.23456789亿元"), a
    derived one — a sum, a conversion, an average — to two decimals ("557.17亿元",
    "618.00亿元"). None → "—" (no amount is not zero)."""
    if wan is None:
        return "—"
    if derived:
        return f"{derived_yi(wan)}{unit}"
    return f"{plain(wan_to_yi(wan))}{unit}"


def derived_yi(wan: Decimal) -> Decimal:
    """A derived amount in 亿, rounded half-up to two decimals."""
    return wan_to_yi(wan).quantize(DERIVED_QUANTUM, rounding=ROUND_HALF_UP)


class Derived(Decimal):
    """A derived amount in 亿 (a sum, a conversion) carried exact — an export writes every
    digit — and shown to two decimals wherever a page prints it (`show`)."""


def show(value: Decimal) -> str:
    """A Decimal as a page prints it: a `Derived` one to two decimals, any other with
    exactly its digits."""
    if isinstance(value, Derived):
        return str(Decimal(value).quantize(DERIVED_QUANTUM, rounding=ROUND_HALF_UP))
    return plain(value)


def format_total(wan: Decimal | None, unit: str = "亿元") -> str:
    """A derived amount (sum, conversion, average) as cards, lists and briefings show it."""
    return format_yi(wan, unit, derived=True)


def convert_arrival(
    amount: Decimal, currency: str, is_foreign: bool, rate: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """(万元, 万美元) of an arrival of `amount` in `currency` ("CNY"/"USD") at `rate` CNY per
    USD, each rounded half-up to one yuan/dollar. The dollar side is given for USD arrivals
    and foreign CNY ones (利用外资); a side that needs the rate is None without one."""

    def at(value: Decimal) -> Decimal:
        return value.quantize(WAN_QUANTUM, rounding=ROUND_HALF_UP)

    if currency == "CNY":
        usd = at(amount / rate) if is_foreign and rate else None
        return at(amount), usd
    return (at(amount * rate) if rate else None), at(amount)
