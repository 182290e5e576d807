from __future__ import annotations

from decimal import Decimal

from django import template

from zhaoshang.lib.money import format_yi

register = template.Library()


@register.filter
def yi(wan: Decimal | None) -> str:
    """万元 → "1947.6亿元" with exactly the digits the amount has."""
    return format_yi(wan)
