"""The project's wiring (settings, URLs, WSGI); importing it loads the Celery app, so that tasks find it."""
from .celery import app as celery_app

__all__ = ("celery_app",)
