"""A paginator whose count never reads the whole table, and whose page sorts only ids.

Django's changelist counts the filtered rows (``paginator.count``) on every page, and
with ``show_full_result_count`` the whole table once more. At a million tickets either
is a scan (PostgreSQL has no stored row count). Here the count stops at ``CAP`` + 1
rows: ``SELECT COUNT(*) FROM (SELECT id … LIMIT CAP + 1)``, no ordering, so an index or
the first heap pages answer it. Past the cap the page says so («более 10 000») and the
pages run to the cap: a manager narrows the list with a filter or a search long before.

A page is read in two steps (a "deferred join"): the ids of the page in the list's order
(``SELECT id … ORDER BY … LIMIT 50 OFFSET n``: an index walk, or on SQLite, which cannot
read an index in ``NULLS LAST`` order, a sort of narrow rows instead of whole tickets with
their computed columns), then those rows with everything the page shows, by id. One
query more than Django's, on a list of more than one page only. (Not one query with
``id IN (subquery)``: an ordering with an ``OuterRef`` subquery, such as "ждёт с", came
out of Django with a broken alias once nested.)
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext

CAP = 10_000


class AtLeast(int):
    """A count that stopped at its cap: compares and pages as the cap, reads «более N»."""

    def __str__(self):
        # U+00A0 between the thousands, as Russian typography and the admin's other numbers.
        return gettext("более %(n)s") % {"n": f"{int(self):,}".replace(",", "\u00a0")}


class CappedCountPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self):
        rows = self.object_list
        if not hasattr(rows, "query"):  # a list: its length is known
            return len(rows)
        counted = rows.order_by().values("pk")[: self.cap + 1].count()
        return AtLeast(self.cap) if counted > self.cap else counted

    def _get_page(self, object_list, number, paginator):
        if not hasattr(object_list, "query"):
            return super()._get_page(object_list, number, paginator)
        ids = list(object_list.values_list("pk", flat=True))
        found = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return super()._get_page([found[pk] for pk in ids if pk in found], number, paginator)
