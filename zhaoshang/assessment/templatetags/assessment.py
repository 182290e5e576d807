"""Showing stored scores: exact decimal strings rounded for display only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def two(value: str) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP))


@register.filter
def percent(value: str) -> str:
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
