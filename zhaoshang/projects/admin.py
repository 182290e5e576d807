"""Admin screens. Stage history and capital arrivals are read-only here: they change only
through the services, which keep the history whole."""

from django.contrib import admin
from django.http import HttpRequest

from zhaoshang.org.admin import OwnedListAdmin, ScopedUnitsMixin, SuperuserOnlyMixin
from zhaoshang.org.history_admin import HistoryAdmin
from zhaoshang.projects.models import (
    CapitalArrival,
    Channel,
    CodeSequence,
    FxRate,
    IndustryChain,
    Project,
    ProjectKind,
    ProjectTag,
    StageEntry,
)
from zhaoshang.projects.services import project_update


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class StageEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = StageEntry
    fk_name = "project"
    extra = 0
    fields = [
        "seq",
        "stage",
        "sign_kind",
        "effective_on",
        "action",
        "in_effect",
        "out_of_order",
        "note",
        "recorded_by",
        "recorded_at",
        "source",
    ]
    readonly_fields = fields  # type: ignore[assignment]


class ArrivalInline(ReadOnlyMixin, admin.TabularInline):
    model = CapitalArrival
    extra = 0
    fields = ["arrived_on", "amount", "currency", "is_foreign", "rate", "cny_wan", "usd_wan",
              "action", "in_effect", "note", "recorded_by"]  # fmt: skip
    readonly_fields = fields  # type: ignore[assignment]


@admin.register(Project)
class ProjectAdmin(ScopedUnitsMixin, HistoryAdmin):
    list_display = ["code", "name", "unit", "stage", "stage_on", "total_investment", "investor"]
    list_filter = ["stage", "chain", "channel", "is_provincial_key", "is_city_key"]
    search_fields = ["code", "name", "investor__name"]
    readonly_fields = ["code", "stage", "stage_on", "entered_on", "created_by", "created_at"]
    autocomplete_fields = [
        "unit",
        "region",
        "park",
        "responsible_unit",
        "investor",
        "introducer_company",
        "parent",
    ]
    filter_horizontal = ["tags", "sponsors"]
    inlines = [StageEntryInline, ArrivalInline]
    list_select_related = ["unit", "investor"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "parent":
            kwargs["queryset"] = Project.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a project is created with its first stage entry, in the workspace

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        if obj is None:
            return super().has_change_permission(request)
        return Project.objects.writable_by(request.user).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # projects are dropped (终止), not deleted

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in ("tags", "sponsors")
        }
        original = Project.objects.get(pk=obj.pk)
        project_update(project=original, actor=request.user, **fields)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        for formset in formsets:  # read-only inlines: saves nothing, readies the change log
            self.save_formset(request, form, formset, change=change)
        project = Project.objects.get(pk=form.instance.pk)
        m2m = {
            k: list(form.cleaned_data[k]) for k in ("tags", "sponsors") if k in form.changed_data
        }
        if m2m:
            project_update(project=project, actor=request.user, **m2m)  # type: ignore[arg-type]


@admin.register(StageEntry)
class StageEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "project",
        "seq",
        "stage",
        "effective_on",
        "action",
        "in_effect",
        "out_of_order",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = ["stage", "action", "in_effect", "out_of_order"]
    search_fields = ["project__code", "project__name"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset(request)
            .filter(project__in=Project.objects.visible_to(request.user))
            .select_related("project", "recorded_by")
        )

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return request.user.is_active and request.user.is_staff


@admin.register(CapitalArrival)
class CapitalArrivalAdmin(StageEntryAdmin):
    list_display = ["project", "arrived_on", "amount", "currency", "is_foreign", "rate", "cny_wan",
                    "action", "in_effect", "recorded_by"]  # fmt: skip
    list_filter = ["currency", "is_foreign", "action", "in_effect"]


@admin.register(FxRate)
class FxRateAdmin(SuperuserOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["month", "cny_per_usd", "source"]


@admin.register(CodeSequence)
class CodeSequenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["prefix", "year", "last"]


class ListAdmin(OwnedListAdmin):
    list_display = ["name", "owner", "sort_order", "is_active"]
    list_filter = ["is_active"]


for model in (IndustryChain, Channel, ProjectKind, ProjectTag):
    admin.site.register(model, ListAdmin)
