from django.contrib import admin
from django.db.models import Q

from zhaoshang.companies.models import Company, CompanyContact, CompanyTag
from zhaoshang.companies.services import company_create, company_merge_refusal, company_update
from zhaoshang.org.admin import SuperuserOnlyMixin
from zhaoshang.org.history_admin import HistoryAdmin


class ContactInline(admin.TabularInline):
    model = CompanyContact
    extra = 0
    fields = ["name", "title", "phone", "email", "note"]


@admin.register(Company)
class CompanyAdmin(HistoryAdmin):
    list_display = ["name", "credit_code", "origin", "origin_country", "merged_into"]
    list_filter = ["origin", "tags"]
    search_fields = ["name", "normalized_name", "credit_code"]
    filter_horizontal = ["tags"]
    readonly_fields = ["merged_into"]
    inlines = [ContactInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A company is shared: changed only by a user who may write every record naming it
        # (the rule of merging, see access.company_reference_write_q).
        return super().has_change_permission(request, obj) and (
            obj is None or company_merge_refusal(actor=request.user, duplicate=obj) is None
        )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return bool(request.user.is_superuser)  # companies are merged, not deleted

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # Through the services, so the matching name and the history row are written.
        if change:
            company_update(company=obj, actor=request.user)
        else:
            created = company_create(
                name=obj.name,
                credit_code=obj.credit_code,
                origin=obj.origin,
                origin_country=obj.origin_country,
                note=obj.note,
                actor=request.user,
            )
            obj.pk = created.pk


@admin.register(CompanyTag)
class CompanyTagAdmin(SuperuserOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "sort_order"]


@admin.register(CompanyContact)
class CompanyContactAdmin(admin.ModelAdmin):
    """Contacts are personal data: a user sees those of companies behind projects they may
    see, and those recorded by people of their scope."""

    list_display = ["name", "company", "title", "phone"]
    search_fields = ["name", "company__name"]
    autocomplete_fields = ["company"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_change_permission(request, obj) and (
            obj is None or request.user.is_superuser or self._recorded_in_scope(request, obj)
        )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self.has_change_permission(request, obj)

    def _recorded_in_scope(self, request, obj):  # type: ignore[no-untyped-def]
        from zhaoshang.org.access import can_write, units_in_scope

        return (
            can_write(request.user)
            and obj.created_by_id is not None
            and units_in_scope(request.user).filter(pk=obj.created_by.unit_id).exists()
        )

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        from zhaoshang.org.access import units_in_scope
        from zhaoshang.projects.models import Project

        if request.user.is_superuser:
            return super().get_queryset(request)
        investors = Project.objects.visible_to(request.user).values("investor_id")
        return (
            super()
            .get_queryset(request)
            .filter(
                Q(company_id__in=investors) | Q(created_by__unit__in=units_in_scope(request.user))
            )
        )
