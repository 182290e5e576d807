from django.contrib import admin
from django.http import HttpRequest

from zhaoshang.intake.models import ImportRun, MappingTemplate
from zhaoshang.org.access import units_in_scope


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
class MappingTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "saved_by", "saved_at"]
    readonly_fields = ["signature", "headers", "saved_by", "saved_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change or form.has_changed():  # unchanged, it keeps who saved it and when
            super().save_model(request, obj, form, change)

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).filter(city__in=units_in_scope(request.user))
