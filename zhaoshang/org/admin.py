from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhaoshang.org.access import units_in_scope
from zhaoshang.org.history_admin import HistoryAdmin
from zhaoshang.org.models import Unit, User
from zhaoshang.org.services import unit_add, unit_add_check


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "project_code_prefix", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    fields = [
        "parent",
        "kind",
        "name",
        "code",
        "project_code_prefix",
        "stalled_after_days",
        "is_active",
    ]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return units_in_scope(request.user).select_related("parent")

    def get_readonly_fields(self, request: HttpRequest, obj=None):  # type: ignore[no-untyped-def]
        # The place in the tree and the code are fixed once a unit exists (paths hang on them).
        return ["parent", "kind", "code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # units are deactivated, never deleted: projects and users hang on them

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.clean = _check_new_unit  # type: ignore[method-assign]
        return form

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            if form.has_changed():  # an unchanged form writes no history row
                obj.save()
            return
        created = unit_add(parent=obj.parent, name=obj.name, kind=obj.kind, code=obj.code)
        obj.pk, obj.path = created.pk, created.path


def _check_new_unit(form: forms.ModelForm) -> dict:  # type: ignore[type-arg]
    data = form.cleaned_data
    unit_add_check(parent=data.get("parent"), name=data.get("name", ""), kind=data.get("kind", ""))
    return data


@admin.register(User)
class ZhaoshangUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "unit__name"]
    autocomplete_fields = ["unit"]
    # Set by Django, never typed: the form would round them to the minute on every save.
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (_("招商"), {"fields": ("display_name", "unit", "role")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("招商"), {"fields": ("display_name", "unit", "role")}),
    )

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).filter(unit__in=units_in_scope(request.user))
