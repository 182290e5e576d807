"""Admin: the configurable lists (request categories, approval items) are edited here;
requests and approvals are read-only (they change through the services)."""

from django.contrib import admin

from zhaoshang.fieldwork.admin import ReadOnly
from zhaoshang.service.models import (
    ApprovalItem,
    ApprovalMilestone,
    RequestCategory,
    ServiceRequest,
)


@admin.register(RequestCategory, ApprovalItem)
class ChoiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "owner", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnly):
    list_display = ["received_on", "company", "title", "department", "due_on", "status"]
    list_filter = ["status", "category"]
    search_fields = ["company__name", "title"]


@admin.register(ApprovalMilestone)
class ApprovalMilestoneAdmin(ReadOnly):
    list_display = ["project", "item", "started_on", "finished_on", "parallel"]
    list_filter = ["item", "parallel"]
