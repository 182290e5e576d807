"""Small page pieces: form fields in Bootstrap dress, query strings that keep filters."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bs(field: forms.BoundField) -> SafeString:
    """A field's widget with the Bootstrap class and its invalid state."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    html = field.as_widget(attrs={"class": css})
    if field.field.show_hidden_initial:  # the value the page was read with travels too
        html += field.as_hidden(only_initial=True)
    return html


@register.simple_tag(takes_context=True)
def query(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed ("" or None removes one)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in ("", None):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def drill(**params: Any) -> str:
    """A link to the project list behind a figure."""
    q = QueryDict(mutable=True)
    for key, value in params.items():
        if value not in ("", None):
            q[key] = str(value)
    return format_html("/projects/?{}", q.urlencode())


@register.filter
def pct(value: Any) -> str:
    """A rate in per cent ("25.0%"); "—" when there is nothing to divide by (None). A zero
    rate is a figure, shown as "0.0%", not hidden."""
    return "—" if value is None else f"{value}%"
