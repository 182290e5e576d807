"""Every page needs sign-in except sign-in itself, static files and the health check."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

OPEN_PREFIXES = ("/accounts/login/", "/healthz", "/static/", "/admin/login/", "/i18n/")


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if request.user.is_authenticated or path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        if path.startswith("/api/"):  # the API answers for itself (tokens), never redirects
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
