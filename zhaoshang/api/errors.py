"""How refusals travel: 404 for what a user may not see (never 403 for it), 403 for what
they see but may not change, 422 with Chinese messages per field for bad input."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from zhaoshang.figures.capital import MissingRateError
from zhaoshang.projects.forms import validation_messages


class InvalidInput(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("输入有误")
        self.errors = errors


def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return reply(request, 404, str(exc) or "没有找到")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return reply(request, 403, str(exc) or "无权进行此操作")

    @api.exception_handler(InvalidInput)
    def invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return reply(request, 422, "输入有误", errors=exc.errors)

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return reply(request, 422, "输入有误", errors=validation_messages(exc))

    @api.exception_handler(MissingRateError)
    def missing_rate(request: HttpRequest, exc: MissingRateError) -> HttpResponse:
        return reply(request, 409, str(exc))
