"""The admin's history screens, for every history-tracked model: read, never revert.

simple_history's "还原" put a past version back through the admin's form, past the
services: it answered "成功修改" and, as the form saw no changed field, changed nothing
(had it changed anything, no service would have checked or recorded it). A correction is
made on the record's page, whose service checks it and writes its own history row; here
the versions are only read (who, when, before → after)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied("历史版本只供查看,不能还原")
        return super().history_form_view(request, object_id, version_id, extra_context)
