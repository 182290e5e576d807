"""Form pieces every edit page shares."""

from __future__ import annotations

from typing import Any

from django import forms


def choose_by(form: forms.ModelForm, name: str, *, queryset: Any, to_field: str = "code") -> None:
    """Offer `queryset` in the choice field `name`, keyed by `to_field` (a unit by its code,
    a project by its code) rather than by its integer key.

    A ModelForm takes its initial values from the instance by key; once the field is keyed
    by another column that key matches no option, so the page would open blank and a save
    would drop the value. The initial is given in the same column as the options."""
    field = form.fields[name]
    field.queryset = queryset  # type: ignore[attr-defined]
    field.to_field_name = to_field  # type: ignore[attr-defined]
    model_field = form.instance._meta.get_field(name)
    key = getattr(form.instance, model_field.attname, None)  # type: ignore[union-attr]
    if key is not None and form.initial.get(name) == key:
        form.initial[name] = getattr(getattr(form.instance, name), to_field)
