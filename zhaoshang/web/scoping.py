"""What a page's query string says about where to look: the scope picked (?unit=, among the
units the user may pick) and the window a dashboard link carries (?unit=, ?from=, ?to=)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest

from zhaoshang.org.access import scope_choices, scope_unit
from zhaoshang.org.models import Unit


def scope_from_request(request: HttpRequest) -> tuple[Unit, list[Unit]]:
    """(the unit picked with ?unit=, default the user's scope; the units they may pick).
    A unit they may not pick is "not found"."""
    choices = list(scope_choices(request.user))
    code = request.GET.get("unit")
    picked = next((u for u in choices if u.code == code), None) if code else None
    if code and picked is None:
        raise Http404("没有找到该单位")
    return picked or scope_unit(request.user), choices  # type: ignore[arg-type]


def window(request: HttpRequest, qs: Any, date_field: str, *units: str) -> Any:
    """The filters the dashboard's links carry: ?unit=<code> (the unit and everything
    under it, through any of `units`) and ?from / ?to on `date_field` (ISO dates)."""
    code = request.GET.get("unit", "")
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            return qs.none()
        cond = Q(pk__in=[])
        for field in units or ("unit",):
            cond |= Q(**{f"{field}__path__startswith": unit.path})
        qs = qs.filter(cond)
    for param, lookup in (("from", "gte"), ("to", "lte")):
        with contextlib.suppress(KeyError, ValueError):
            day = dt.date.fromisoformat(request.GET[param])
            qs = qs.filter(**{f"{date_field}__{lookup}": day})
    return qs
