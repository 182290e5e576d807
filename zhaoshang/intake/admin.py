from django.contrib import admin
from django.http import HttpRequest

from zhaoshang.intake.models import Clash, ImportRun, MappingTemplate
from zhaoshang.org.access import clash_read_q, filter_by, units_in_scope
from zhaoshang.org.admin import ScopedUnitsMixin


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["run_at", "file_name", "unit", "run_by", "created", "updated", "rejected"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).filter(unit__in=units_in_scope(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(MappingTemplate)
class MappingTemplateAdmin(ScopedUnitsMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "city", "saved_by", "saved_at"]
    readonly_fields = ["signature", "headers", "saved_by", "saved_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change or form.has_changed():  # unchanged, it keeps who saved it and when
            super().save_model(request, obj, form, change)

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).filter(city__in=units_in_scope(request.user))


@admin.register(Clash)
class ClashAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: a clash is a record of what happened; the city rules on it elsewhere."""

    list_display = ["found_at", "unit", "name", "held_by", "project", "actor", "source"]
    readonly_fields = [f.name for f in Clash._meta.fields]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return filter_by(super().get_queryset(request), clash_read_q(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
