from __future__ import annotations

from decimal import Decimal

from django import template

from zhaoshang.lib.money import format_yi, plain

register = template.Library()


@register.filter
def yi(wan: Decimal | None, unit: str = "亿元") -> str:
    """万元 → "1947.6亿元" (万美元 → "亿美元") with exactly the digits the amount has."""
    return format_yi(wan, unit)


@register.filter
def wan(value: Decimal | None) -> str:
    """An amount in 万 as typed: 1200.25, not 1200.2500."""
    return "—" if value is None else plain(value)


@register.filter(name="plain")
def plain_number(value: object) -> str:
    """A table cell: a Decimal without trailing zeros (769.01, not 769.0100); other values
    as they are."""
    if isinstance(value, Decimal):
        return plain(value)
    return "" if value is None else str(value)
