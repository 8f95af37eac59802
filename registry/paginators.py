"""Offset pagination that stays fast at the last page (pages of the largest lists)."""
from django.core.paginator import Paginator


class DeferredJoinPaginator(Paginator):
    """Offset pagination that stays fast at the last page.

    Why not keyset: clerks sort by several columns and jump to numbered pages (including the last one)
    in meetings, which keyset pagination cannot offer. Instead the OFFSET runs over a query selecting
    only primary keys, which the (sort column, id) indexes answer without touching table rows; the 50
    rows of the page are then fetched by primary key with their joins and prefetches. The count is a
    plain COUNT over the same filters: the largest lists (12,698 workshops, ~152,000 monthly workshop
    reports in the API) count in milliseconds, so no cap is needed and the last page stays reachable
    (figures: docs/performance.md, "Deferred-join pagination").
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:bottom + self.per_page])
        rows = {obj.pk: obj for obj in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids], number, self)
