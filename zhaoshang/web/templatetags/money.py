from __future__ import annotations

from decimal import Decimal

from django import template

from zhaoshang.lib.money import format_total, format_yi, plain, show

register = template.Library()


@register.filter
def yi(wan: Decimal | None, unit: str = "亿元") -> str:
    """万元 → "1947.6亿元" (万美元 → "亿美元") with exactly the digits the amount has."""
    return format_yi(wan, unit)


@register.filter
def yi_total(wan: Decimal | None, unit: str = "亿元") -> str:
    """A derived amount (a sum, a conversion, an average) in 亿 to two decimals:
    "557.17亿元". A recorded amount uses `yi`."""
    return format_total(wan, unit)


@register.filter
def wan(value: Decimal | None) -> str:
    """An amount in 万 as typed: 1200.25, not 1200.2500."""
    return "—" if value is None else plain(value)


@register.filter(name="plain")
def plain_number(value: object) -> str:
    """A table cell: a Decimal without trailing zeros (769.01, not 769.0100); other values
    as they are."""
    if isinstance(value, Decimal):
        return show(value)  # a Derived sum to two decimals, a recorded amount as entered
    return "" if value is None else str(value)
