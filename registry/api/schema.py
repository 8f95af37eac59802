"""The OpenAPI schema and Swagger UI, for signed-in users only, with the error answers every operation documents.

`add_error_responses` is a post-processing hook adding the shape of registry.api.errors, so that the
schema says what clients and schemathesis actually receive.

Generating the schema introspects every view and serializer, which takes seconds (docs/performance.md).
It changes only with the code, so each process generates and writes it once per format, without any
user's request (the same document for everyone), and serves that copy until it restarts with the next
deploy."""
import functools

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated


@functools.lru_cache(maxsize=4)
def _schema(version, language):
    with translation.override(language):
        return SpectacularAPIView.generator_class(api_version=version).get_schema(request=None, public=True)


@functools.lru_cache(maxsize=16)
def _rendered(version, language, renderer_class, media_type):
    return renderer_class().render(_schema(version, language), media_type, {})


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAuthenticated]

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        renderer, media_type = request.accepted_renderer, request.accepted_media_type
        content = _rendered(version, translation.get_language(), type(renderer), media_type)
        response = HttpResponse(content, content_type=f"{media_type}; charset={renderer.charset or 'utf-8'}")
        response["Content-Disposition"] = f'inline; filename="{self._get_filename(request, version)}"'
        return response


def swagger_ui(url_name):
    """Swagger UI with its start-up script served as a file (no inline script: the CSP forbids it);
    anyone not signed in goes to the login page."""
    return login_required(SpectacularSwaggerSplitView.as_view(url_name=url_name))


ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：code 为机器可读代码，message 为中文说明，fields 为各字段的错误。",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "status": {"type": "integer"},
                "fields": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message", "status"],
        },
    },
    "required": ["error"],
}

_DESCRIPTIONS = {
    "400": "请求无效（字段错误、格式错误、控制字符、数据过大等）",
    "401": "未登录",
    "403": "无权执行",
    "404": "对象不存在或不在管辖范围内",
    "409": "数据已被他人修改（版本冲突）",
    "423": "期间已锁定",
}
_WRITE_METHODS = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "401", "403", "404"]
            if method in _WRITE_METHODS:
                codes += ["409", "423"]
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": reference}}}
                )
    return result
