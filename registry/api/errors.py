"""Structured JSON errors with a Chinese message: {"error": {"code", "message", "fields"}}."""
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    status.HTTP_400_BAD_REQUEST: "提交的数据有误，请检查后重试。",
    status.HTTP_401_UNAUTHORIZED: "请先登录。",
    status.HTTP_403_FORBIDDEN: "您没有执行该操作的权限。",
    status.HTTP_404_NOT_FOUND: "对象不存在或不在您的管辖范围内。",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持该请求方法。",
    status.HTTP_409_CONFLICT: "数据已被他人修改，请刷新后重试。",
    status.HTTP_423_LOCKED: "该期间已锁定，不能修改。",
    status.HTTP_429_TOO_MANY_REQUESTS: "请求过于频繁，请稍后再试。",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = MESSAGES[status.HTTP_409_CONFLICT]
    default_code = "conflict"


class Locked(exceptions.APIException):
    status_code = status.HTTP_423_LOCKED
    default_detail = MESSAGES[status.HTTP_423_LOCKED]
    default_code = "locked"


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [str(item) if not isinstance(item, (dict, list)) else _flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(MESSAGES[404])
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or MESSAGES[403])
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    fields = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = _flatten(detail)
        # Django's model validation files whole-object errors (constraints) under "__all__".
        non_field = (fields.pop("non_field_errors", None) or []) + (fields.pop("__all__", None) or [])
        message = "；".join(non_field) if non_field else MESSAGES[400]
        code = "invalid"
    elif isinstance(detail, list):
        message = "；".join(str(d) for d in detail)
        code = "invalid"
    else:
        message = str(detail) if detail is not None else MESSAGES.get(response.status_code, "请求失败。")
        message = _framework_refusal(exc, context) or message
    if not isinstance(code, str):
        code = "invalid"
    body = {"error": {"code": code, "message": message, "status": response.status_code}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=response.status_code, headers=_headers(response))


def _framework_refusal(exc, context):
    """DRF's own refusals in our words: their texts are English, or quote the parser's English."""
    request = context.get("request")
    if isinstance(exc, exceptions.ParseError):
        return "请求内容无法解析，请检查格式（例如 JSON 是否完整、嵌套是否过深）。"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        media_type = getattr(request, "content_type", "") or "未注明"
        return f"不支持的请求内容类型“{media_type}”，请使用 application/json 或 multipart/form-data。"
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"该地址不支持 {request.method} 请求。" if request is not None else MESSAGES[405]
    if isinstance(exc, exceptions.NotAcceptable):
        return "无法按所请求的格式返回，请接受 application/json。"
    if isinstance(exc, exceptions.Throttled):
        return f"请求过于频繁，请{math.ceil(exc.wait)}秒后再试。" if exc.wait else MESSAGES[429]
    if isinstance(exc, exceptions.NotAuthenticated):
        return MESSAGES[401]
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "身份认证失败：令牌无效或账号已停用，请重新登录。"
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        return "页面已过期（CSRF 校验失败），请刷新页面后重试。"
    return None


def _headers(response):
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
