"""API authentication: a personal access token (`Authorization: Bearer zs_…`), or the
signed-in session of the web pages (with its CSRF check)."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from zhaoshang.org.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


AUTH = [BearerToken(), django_auth]
