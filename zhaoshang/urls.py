from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhaoshang.api.api import api
from zhaoshang.assessment import views as assessment
from zhaoshang.companies import views as companies
from zhaoshang.fieldwork import views as fieldwork
from zhaoshang.intake import text_views as intake_texts
from zhaoshang.intake import views as intake
from zhaoshang.org import views as org
from zhaoshang.projects import views as projects
from zhaoshang.reports import views as reports
from zhaoshang.service import views as service
from zhaoshang.targets import views as targets
from zhaoshang.web import views

admin.site.site_header = "招商项目管理 · 管理后台"
admin.site.site_title = "招商管理后台"
admin.site.index_title = "数据维护"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<str:code>/", projects.project_detail, name="project_detail"),
    path("projects/<str:code>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<str:code>/stage/", projects.project_move, name="project_move"),
    path("projects/<str:code>/arrivals/new/", projects.arrival_create, name="arrival_create"),
    path("projects/<str:code>/arrivals/<int:pk>/", projects.arrival_fix, name="arrival_fix"),
    path("kanban/", projects.kanban, name="kanban"),
    path("kanban/move/", projects.kanban_move, name="kanban_move"),
    path("projects/<str:code>/approvals/new/", service.approval_edit, name="approval_create"),
    path("projects/<str:code>/approvals/<int:pk>/", service.approval_edit, name="approval_edit"),
    path("companies/", companies.company_list, name="company_list"),
    path("companies/search/", companies.company_search, name="company_search"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/<int:pk>/merge/", companies.company_merge_view, name="company_merge"),
    path("imports/", intake.sheet_import, name="sheet_import"),
    path("clashes/", intake.clash_list, name="clash_list"),
    path("imports/texts/", intake_texts.text_import, name="text_import"),
    path("imports/texts/<int:pk>/", intake_texts.text_review, name="text_review"),
    path("teams/", fieldwork.team_list, name="team_list"),
    path("teams/new/", fieldwork.team_edit, name="team_create"),
    path("teams/<int:pk>/", fieldwork.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", fieldwork.team_edit, name="team_edit"),
    path("trips/", fieldwork.trip_list, name="trip_list"),
    path("trips/new/", fieldwork.trip_edit, name="trip_create"),
    path("trips/<int:pk>/", fieldwork.trip_detail, name="trip_detail"),
    path("trips/<int:pk>/edit/", fieldwork.trip_edit, name="trip_edit"),
    path("contacts/", fieldwork.contact_list, name="contact_list"),
    path("contacts/new/", fieldwork.contact_edit, name="contact_create"),
    path("contacts/<int:pk>/", fieldwork.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", fieldwork.contact_edit, name="contact_edit"),
    path(
        "contacts/<int:pk>/done/", fieldwork.contact_follow_up_done, name="contact_follow_up_done"
    ),
    path("events/", fieldwork.event_list, name="event_list"),
    path("events/new/", fieldwork.event_edit, name="event_create"),
    path("events/<int:pk>/", fieldwork.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", fieldwork.event_edit, name="event_edit"),
    path(
        "events/<int:pk>/signings/<int:signing_pk>/remove/",
        fieldwork.event_signing_delete,
        name="event_signing_delete",
    ),
    path("follow-ups/", fieldwork.follow_ups, name="follow_ups"),
    path("stalled/", fieldwork.stalled, name="stalled"),
    path("calendar/", fieldwork.calendar_month, name="calendar"),
    path("requests/", service.request_list, name="request_list"),
    path("requests/new/", service.request_edit, name="request_create"),
    path("requests/overdue/", service.supervision, name="supervision"),
    path("requests/<int:pk>/", service.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", service.request_edit, name="request_edit"),
    path("approvals/", service.approval_report, name="approval_report"),
    path("targets/", targets.target_grid, name="target_grid"),
    path("briefing/", reports.briefing, name="briefing"),
    path("tables/", reports.tables, name="report_tables"),
    path("lists/signed-not-landed/", reports.signed_not_landed_view, name="signed_not_landed"),
    path("lists/expected-arrivals/", reports.expected_arrivals_view, name="expected_arrivals"),
    path("assessments/", assessment.scheme_list, name="scheme_list"),
    path("assessments/new/", assessment.scheme_create, name="scheme_create"),
    path("assessments/<int:pk>/", assessment.scheme_detail, name="scheme_detail"),
    path("assessments/runs/<int:pk>/", assessment.run_detail, name="run_detail"),
    path("assessments/runs/<int:pk>/publish/", assessment.run_publish_view, name="run_publish"),
    path("account/", org.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", org.token_revoke_view, name="token_revoke"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
