"""The one way a page hands a form to a service: bind, validate, call, and show a refusal
next to the field it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest


def submit(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any]) -> Any:
    """Returns the service's result, or None when there is nothing (more) to do."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ValidationError as exc:
        attach_errors(form, exc)
        if hasattr(exc, "conflicts"):  # a stale edit: show both values, keep the input
            form.conflicts = exc.conflicts
            form.show_stored(exc.version, exc.stored)  # type: ignore[attr-defined]
        return None


def attach_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal shown next to the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
