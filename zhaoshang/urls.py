from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhaoshang.api.api import api
from zhaoshang.companies import views as companies
from zhaoshang.intake import views as intake
from zhaoshang.org import views as org
from zhaoshang.projects import views as projects
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
    path("kanban/", projects.kanban, name="kanban"),
    path("kanban/move/", projects.kanban_move, name="kanban_move"),
    path("companies/", companies.company_list, name="company_list"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/<int:pk>/merge/", companies.company_merge_view, name="company_merge"),
    path("imports/", intake.sheet_import, name="sheet_import"),
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
