"""What the analytics tests share besides fixtures: the period, Moscow times, a fake
clock, and ``Story``, which calls the services at known moments.

Every service (``ticket_create``, ``message_add``, ``ticket_change_status``,
``ticket_rate``) takes its time from ``django.utils.timezone.now``; a ``Clock`` stands
in for it, so each ticket's delays are known to the second.

The period is 2026-03-02 … 2026-03-06 (Moscow).
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from analytics import selectors
from tickets import services
from tickets.models import Message

MOSCOW = ZoneInfo("Europe/Moscow")
PERIOD_FROM, PERIOD_TO = date(2026, 3, 2), date(2026, 3, 6)
QUERY = {"from": PERIOD_FROM.isoformat(), "to": PERIOD_TO.isoformat()}


def moscow(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """An aware datetime at a wall-clock time in Moscow, the portal's time zone."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=MOSCOW)


def report(**kwargs):
    """``report()`` for the period (``department=`` narrows it)."""
    return selectors.report(selectors.period_parse(QUERY["from"], QUERY["to"], **kwargs))


def report_as_json(department=None):
    """``report()`` for the period as it looks after a trip through JSON."""
    period = selectors.period_parse(QUERY["from"], QUERY["to"], department=department)
    return json.loads(json.dumps(selectors.report(period)))


def manager_row(data, user):
    [row] = [row for row in data["by_manager"] if row["manager_id"] == user.pk]
    return row


class Clock:
    """Stands in for ``timezone.now``: returns the time it was last set to (UTC)."""

    def __init__(self, when: datetime):
        self.when = when

    def __call__(self) -> datetime:
        return self.when.astimezone(UTC)

    def set(self, when: datetime) -> None:
        self.when = when


@dataclass
class Story:
    """Services called at known moments: seconds after the ticket was created."""

    clock: Clock
    client: object

    def ticket(self, when, *, department, criticality, tag=None, assignee=None):
        self.clock.set(when)
        ticket = services.ticket_create(client=self.client, title="Заявка",
                                        description="Описание.", department=department,
                                        criticality=criticality, tag=tag)
        if assignee is not None:
            services.ticket_assign(ticket=ticket, assignee=assignee)
        return ticket

    def _at(self, ticket, seconds):
        self.clock.set(ticket.created_at + timedelta(seconds=seconds))

    def reply(self, ticket, seconds, user, *, internal=False):
        self._at(ticket, seconds)
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                             author_name=user.first_name, author_user=user,
                             text="Заметка" if internal else "Ответ", is_internal=internal,
                             source=Message.Source.ADMIN)

    def client_writes(self, ticket, seconds):
        self._at(ticket, seconds)
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                             text="Вопрос клиента", source=Message.Source.PORTAL)

    def status(self, ticket, seconds, status):
        self._at(ticket, seconds)
        services.ticket_change_status(ticket=ticket, status=status,
                                      source=Message.Source.ADMIN, actor_name="Менеджер")

    def rate(self, ticket, seconds, rating):
        self._at(ticket, seconds)
        services.ticket_rate(ticket=ticket, rating=rating)
