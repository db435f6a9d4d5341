"""Support metrics for a period: ``period_parse()`` reads it, ``report()`` computes them."""

from .period import FIRST_DATE, LAST_DATE, MAX_DAYS, Period, created_in, period_parse, tickets_in
from .report import by_manager, daily, report

__all__ = ["FIRST_DATE", "LAST_DATE", "MAX_DAYS", "Period", "by_manager", "created_in", "daily",
           "period_parse", "report", "tickets_in"]
