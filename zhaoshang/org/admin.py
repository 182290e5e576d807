from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhaoshang.org.access import units_in_scope
from zhaoshang.org.models import Unit, User


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "project_code_prefix", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return units_in_scope(request.user).select_related("parent")


@admin.register(User)
class ZhaoshangUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "unit__name"]
    autocomplete_fields = ["unit"]
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
