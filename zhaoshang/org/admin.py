"""Admin screens, scoped as the workspace is (`access.py`): a list shows the user's scope,
a record outside it is not found, and every field naming a unit offers only the units of
the user's scope (a 所在地 in another city would make the project readable there)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhaoshang.org.access import units_in_scope
from zhaoshang.org.history_admin import HistoryAdmin
from zhaoshang.org.models import Unit, UnitKind, User
from zhaoshang.org.services import unit_add, unit_add_check


class ScopedUnitsMixin:
    """Every foreign key to a unit offers (and accepts) only the units in the user's scope."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.related_model is Unit:
            units = units_in_scope(request.user)
            kwargs["queryset"] = (
                units.filter(kind=UnitKind.PARK) if db_field.name == "park" else units
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class SuperuserOnlyMixin:
    """Records every city shares (national lists, exchange rates, groups): changed by the
    operator's account only; others may look."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


class OwnedListAdmin(ScopedUnitsMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A configurable list (产业链, 渠道, 诉求类别…): the national entries (no owner) and the
    entries of the user's city are shown; only the city's own are changed here, and only the
    operator changes the national ones."""

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from django.db.models import Q

        return qs.filter(Q(owner__isnull=True) | Q(owner__in=units_in_scope(request.user)))

    def _owns(self, request: HttpRequest, obj: Any) -> bool:
        if request.user.is_superuser:
            return True
        return obj.owner_id is not None and units_in_scope(request.user).filter(
            pk=obj.owner_id).exists()  # fmt: skip

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or self._owns(request, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or self._owns(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "owner" in form.base_fields:
            form.base_fields["owner"].required = True  # a national entry is the operator's
        return form


admin.site.unregister(Group)


@admin.register(Group)
class ScopedGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    pass


@admin.register(Unit)
class UnitAdmin(ScopedUnitsMixin, HistoryAdmin):
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
class ZhaoshangUserAdmin(ScopedUnitsMixin, UserAdmin):
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

    def get_readonly_fields(self, request: HttpRequest, obj=None):  # type: ignore[no-untyped-def]
        # Powers beyond a unit's scope are the operator's to hand out.
        fixed = ["is_superuser", "is_staff", "groups", "user_permissions"]
        own = list(super().get_readonly_fields(request, obj))
        return own if request.user.is_superuser else [*own, *fixed]
