"""Admin: the configurable lists (request categories, approval items) are edited here;
requests and approvals are read-only (they change through the services)."""

from django.contrib import admin

from zhaoshang.fieldwork.admin import ReadOnly
from zhaoshang.org.access import owned_read_q, request_read_q
from zhaoshang.org.admin import OwnedListAdmin
from zhaoshang.service.models import (
    ApprovalItem,
    ApprovalMilestone,
    RequestCategory,
    ServiceRequest,
)


@admin.register(RequestCategory, ApprovalItem)
class ChoiceAdmin(OwnedListAdmin):
    list_display = ["name", "owner", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnly):
    list_display = ["received_on", "company", "title", "department", "due_on", "status"]
    list_filter = ["status", "category"]
    search_fields = ["company__name", "title"]

    def read_q(self, request):  # type: ignore[no-untyped-def]
        return request_read_q(request.user)


@admin.register(ApprovalMilestone)
class ApprovalMilestoneAdmin(ReadOnly):
    list_display = ["project", "item", "started_on", "finished_on", "parallel"]
    list_filter = ["item", "parallel"]

    def read_q(self, request):  # type: ignore[no-untyped-def]
        return owned_read_q(request.user, "project__unit_id")
