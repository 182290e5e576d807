"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs,
served from django-ninja's own static files: no outside asset; both for a signed-in user or
a token holder only)."""

from ninja import NinjaAPI

from zhaoshang.api import errors, fieldwork, figures, projects, registers
from zhaoshang.api.auth import AUTH, signed_in

api = NinjaAPI(
    title="招商项目管理 API",
    version="1",
    description="项目、企业、单位与统计。金额以字符串表示的十进制数(万元/万美元)传输。"
    "认证:`Authorization: Bearer <个人访问令牌>`。",
    auth=AUTH,
    urls_namespace="api-v1",
    docs_decorator=signed_in,
)
errors.install(api)
api.add_router("", projects.router)
api.add_router("", registers.router)
api.add_router("", figures.router)
api.add_router("", fieldwork.router)
