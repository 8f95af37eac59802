"""Log filters."""
import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """An ordinary refusal (PermissionDenied, answered 403) is logged as its one line, not with a
    traceback: it is the product working, not an error to investigate."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
