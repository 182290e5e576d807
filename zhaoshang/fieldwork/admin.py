"""Admin screens: read-only. Field work changes through the pages and services, which
check who may record what; the admin is for looking things up."""

from django.contrib import admin
from django.http import HttpRequest

from zhaoshang.fieldwork.models import Contact, Event, EventSigning, Team, Trip
from zhaoshang.org.access import filter_by, owned_read_q
from zhaoshang.org.history_admin import HistoryAdmin


class ReadOnly(HistoryAdmin):
    """Looking up only, within the user's scope (`read_q`); nothing added, changed or
    deleted here."""

    def read_q(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return owned_read_q(request.user)

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return filter_by(super().get_queryset(request), self.read_q(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(ReadOnly):
    list_display = ["name", "unit", "leader_name", "is_active"]
    search_fields = ["name", "leader_name"]


@admin.register(Trip)
class TripAdmin(ReadOnly):
    list_display = ["start_on", "end_on", "unit", "cities", "leader_name", "leader_type"]
    list_filter = ["leader_type"]
    date_hierarchy = "start_on"


@admin.register(Contact)
class ContactAdmin(ReadOnly):
    list_display = ["contacted_on", "kind", "company", "unit", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["company__name", "outcome"]
    date_hierarchy = "contacted_on"


class SigningInline(admin.TabularInline):
    model = EventSigning
    extra = 0
    fields = ["project", "sign_kind", "amount"]
    readonly_fields = ["project", "sign_kind", "amount"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["held_on", "name", "kind", "unit"]
    list_filter = ["kind"]
    inlines = [SigningInline]
