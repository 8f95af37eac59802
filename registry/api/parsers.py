"""The API's request parsers: DRF's, plus the input rules every request body must meet.

JSON nested deeper than Python's recursion limit made `json.load` raise RecursionError (a 500); a C0
control character in any string value is refused here, once for every endpoint, with the key path
that holds it (see registry.inputs).
"""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, parsers

from registry.inputs import CONTROL_MESSAGE, has_control_characters

MAX_DEPTH = 32


def _refuse_control_characters(data):
    """Walk parsed data iteratively (never recursing on what a client sent)."""
    pending = [("", data, 0)]
    while pending:
        path, value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(f"提交的数据嵌套超过 {MAX_DEPTH} 层。")
        if isinstance(value, dict):
            pending.extend((f"{path}.{key}" if path else str(key), item, depth + 1) for key, item in value.items())
            if any(has_control_characters(key) for key in value):
                raise exceptions.ValidationError({path or "non_field_errors": [CONTROL_MESSAGE]})
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item, depth + 1) for index, item in enumerate(value))
        elif has_control_characters(value):
            raise exceptions.ValidationError({path or "non_field_errors": [CONTROL_MESSAGE]})


def _as_dict(query_dict) -> dict:
    # A form field sent once is named by its key alone in the error, as the serializer would name it.
    return {key: values[0] if len(values) == 1 else values for key, values in query_dict.lists()}


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE on form bodies only; DRF reads JSON from the stream.
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None and int(request.META.get("CONTENT_LENGTH") or 0) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON 嵌套层数过深，已拒绝。") from None
        _refuse_control_characters(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_control_characters(_as_dict(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _refuse_control_characters(_as_dict(result.data))
        return result
