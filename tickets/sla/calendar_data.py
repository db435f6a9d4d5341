"""The Russian production calendar shipped with the portal (five-day week).

Only the exceptions to "Monday–Friday work, Saturday–Sunday rest" are listed:
``DAYS_OFF`` (public holidays on weekdays and transferred days off),
``WORKING_WEEKENDS`` (a Saturday made a working day by a transfer) and
``SHORT_DAYS`` (pre-holiday working days one hour shorter). A row an admin
adds in «Производственный календарь» (``CalendarDay``) wins over these, so a
correction or next year's decree needs no release.

Why not the ``holidays`` package: version 0.108 knows the Russian holidays and
transfers (and the working Saturdays), but not the shortened pre-holiday days
of art. 95, which move the end of a business day; and a library update would
still be a release, where the admin table is not. Its data for 2025–2027 agree
with ours (tests/tickets/test_sla_calendar_data.py compares them when it is
installed).

Sources:
- Labour Code of the Russian Federation (ТК РФ), art. 112: non-working public
  holidays — January 1–6 and 8 (New Year holidays), January 7, February 23,
  March 8, May 1, May 9, June 12, November 4. A holiday that falls on a
  Saturday or Sunday moves to the next working day, except the January ones,
  which the Government distributes by its yearly decree.
- ТК РФ art. 95: the working day right before a non-working holiday is one hour
  shorter.
- 2025: Постановление Правительства РФ от 04.10.2024 № 1335 «О переносе
  выходных дней в 2025 году»: Jan 4 → May 2, Jan 5 → Dec 31, Feb 23 → May 8,
  Mar 8 → Jun 13, Sat Nov 1 → Nov 3 (Nov 1 is a working Saturday). Shortened
  days: Mar 7, Apr 30, Jun 11, Nov 1 (247 working days, 118 days off).
- 2026: Постановление Правительства РФ от 24.09.2025 № 1466 «О переносе
  выходных дней в 2026 году»: Jan 3 → Jan 9, Jan 4 → Dec 31; by art. 112
  Mar 8 (Sunday) → Mar 9 and May 9 (Saturday) → May 11. No working Saturday.
  Shortened days: Apr 30, May 8, Jun 11, Nov 3 (247 working days, 118 days off).
- 2027: NOT checked against the decree's text. Taken from the ``holidays``
  package 0.108, which cites consultant.ru document LAW_544706 (the 2027
  transfer decree, archived 2026-09-19): Jan 2 → Nov 5, Jan 3 → Dec 31,
  Sat Feb 20 → Feb 22 (Feb 20 is a working Saturday); by art. 112 May 1
  (Saturday) → May 3, May 9 (Sunday) → May 10, Jun 12 (Saturday) → Jun 14.
  Shortened days derived by art. 95 as the Government applied it in 2025
  (a working Saturday that stands for the day before a holiday is shortened):
  Feb 20, Apr 30, Jun 11, Nov 3. An admin should compare with the published
  calendar and correct in admin if needed.
"""

from datetime import date


def _dates(year, *month_days):
    return {date(year, month, day) for month, day in month_days}


DAYS_OFF = (
    _dates(2025, (1, 1), (1, 2), (1, 3), (1, 6), (1, 7), (1, 8), (5, 1), (5, 2), (5, 8),
           (5, 9), (6, 12), (6, 13), (11, 3), (11, 4), (12, 31))
    | _dates(2026, (1, 1), (1, 2), (1, 5), (1, 6), (1, 7), (1, 8), (1, 9), (2, 23), (3, 9),
             (5, 1), (5, 11), (6, 12), (11, 4), (12, 31))
    | _dates(2027, (1, 1), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (2, 22), (2, 23), (3, 8),
             (5, 3), (5, 10), (6, 14), (11, 4), (11, 5), (12, 31))
)

WORKING_WEEKENDS = _dates(2025, (11, 1)) | _dates(2027, (2, 20))

SHORT_DAYS = (
    _dates(2025, (3, 7), (4, 30), (6, 11), (11, 1))
    | _dates(2026, (4, 30), (5, 8), (6, 11), (11, 3))
    | _dates(2027, (2, 20), (4, 30), (6, 11), (11, 3))
)

# Years the lists above cover: outside them only art. 112's fixed dates and the
# weekend rule apply, until an admin adds the decree.
YEARS = (2025, 2026, 2027)
