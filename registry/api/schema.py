"""OpenAPI post-processing: the error answers every operation can give, in the shape of
registry.api.errors, so that the schema documents what clients (and schemathesis) actually receive."""

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
