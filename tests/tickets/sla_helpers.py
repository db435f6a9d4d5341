"""Moments in Moscow time for the SLA tests (the portal's TIME_ZONE)."""

from datetime import datetime
from zoneinfo import ZoneInfo

MSK = ZoneInfo("Europe/Moscow")
HOUR = 3600


def msk(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=MSK)
