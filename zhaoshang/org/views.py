"""The user's own page: their unit and role, password, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from zhaoshang.org.models import AccessToken
from zhaoshang.org.services import token_create, token_revoke


def account(request: HttpRequest) -> HttpResponse:
    new_token = ""
    if request.method == "POST" and request.POST.get("action") == "create_token":
        _, new_token = token_create(user=request.user, name=request.POST.get("name", ""))  # type: ignore[arg-type]
    tokens = AccessToken.objects.filter(user=request.user, revoked_at__isnull=True)  # type: ignore[misc]
    return render(request, "org/account.html", {"tokens": tokens, "new_token": new_token})


def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        token = get_object_or_404(AccessToken, pk=pk, user=request.user)  # type: ignore[misc]
        token_revoke(token=token)
        messages.success(request, "令牌已吊销")
    return redirect("account")
