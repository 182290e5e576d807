"""Reading field work for a user: everything goes through the access rule."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from zhaoshang.org import access

M = TypeVar("M", bound=Model)


def readable(model: type[M], user: Any) -> QuerySet[M]:
    return access.filter_by(model._default_manager.all(), access.owned_read_q(user))


def writable(model: type[M], user: Any) -> QuerySet[M]:
    return access.filter_by(model._default_manager.all(), access.owned_write_q(user))


def get_for_user(model: type[M], user: Any, pk: Any, *, write: bool = False) -> M:
    """The record if the user may read (or write) it, else 404: "missing" and "not yours"
    look the same."""
    qs = writable(model, user) if write else readable(model, user)
    try:
        return qs.get(pk=pk)
    except (model.DoesNotExist, ValueError):  # type: ignore[attr-defined]
        raise Http404(f"没有找到该{model._meta.verbose_name}") from None
