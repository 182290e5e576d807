"""API authentication: a personal access token (`Authorization: Bearer zs_…`), or the
signed-in session of the web pages (with its CSRF check)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.security import HttpBearer, django_auth

from zhaoshang.org.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


AUTH = [BearerToken(), django_auth]


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's schema and docs page for a signed-in user or a token holder only: they
    describe every route of an office's system. The docs page sends others to sign-in;
    the schema answers them 401, as the API does."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or BearerToken()(request) is not None:
            return view(request, *args, **kwargs)
        if request.path_info.endswith(".json"):
            return JsonResponse({"detail": "Unauthorized"}, status=401)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    return guarded
