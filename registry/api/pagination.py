"""The APIs' page-number pagination, with a deferred-join variant for the largest lists."""
from rest_framework.pagination import PageNumberPagination

from registry.paginators import DeferredJoinPaginator


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DeferredJoinPagination(StandardPagination):
    """StandardPagination whose pages stay fast deep into large lists (see DeferredJoinPaginator)."""

    django_paginator_class = DeferredJoinPaginator
