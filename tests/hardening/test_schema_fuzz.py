"""Schemathesis over the whole OpenAPI schema: 0 server errors, 0 response-schema violations.

Each operation gets a bounded number of generated requests (MAX_EXAMPLES) as a province clerk (who
sees everything and may do most writes), against the WSGI app in the test's rolled-back transaction.
"""
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import make_user

MAX_EXAMPLES = 6

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()

# Operations that still fail, each with the reason (kept explicit so they cannot pass unnoticed).
KNOWN_FAILURES: dict[str, str] = {}


@pytest.fixture
def token(divisions):
    # The WSGI handler closes the connection after each request (as Django's test client prevents):
    # keep it open, or the test's transaction is gone after the first call.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    user = make_user("clerk", "330000")
    yield Token.objects.create(user=user).key
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_operation(case, token):
    label = f"{case.operation.method.upper()} {case.operation.path}"
    if label in KNOWN_FAILURES:
        pytest.xfail(KNOWN_FAILURES[label])
    case.call_and_validate(headers={"Authorization": f"Token {token}"},
                           checks=[not_a_server_error, response_schema_conformance])
