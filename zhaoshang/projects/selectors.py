"""Reading projects for a user."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from zhaoshang.projects.models import Project


def get_project_for_user(user: Any, code: str, *, write: bool = False) -> Project:
    """The project with this public code if the user may read it (or write it, with
    `write=True`); otherwise Http404 — "missing" and "not yours" look the same."""
    qs = Project.objects.writable_by(user) if write else Project.objects.visible_to(user)
    try:
        return qs.get(code=code)
    except Project.DoesNotExist:
        raise Http404("没有找到该项目") from None
