"""Writes per client are capped per hour in the services, so every caller gets the cap:
new tickets (CLIENT_TICKETS_HOURLY_LIMIT) and client messages (CLIENT_COMMENTS_HOURLY_LIMIT)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def _comment(ticket, text="Ещё вопрос"):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                                text=text, source=Message.Source.PORTAL)


def test_default_caps():
    from django.conf import settings

    assert (settings.CLIENT_TICKETS_HOURLY_LIMIT, settings.CLIENT_COMMENTS_HOURLY_LIMIT) == (10, 60)


def test_ticket_past_the_hourly_cap_is_refused_in_russian(portal_client, make_ticket, settings):
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 3
    for _ in range(3):
        make_ticket(portal_client)

    with pytest.raises(ValidationError) as excinfo:
        make_ticket(portal_client)

    assert excinfo.value.code == "rate_limit"
    assert excinfo.value.messages[0].startswith(
        "Слишком много новых заявок за час: не больше 3. Новую можно создать в ")
    assert Ticket.objects.count() == 3


def test_ticket_cap_counts_only_the_last_hour_and_only_this_client(
    portal_client, make_client, make_ticket, settings
):
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 2
    for _ in range(2):
        make_ticket(portal_client)
    make_ticket(make_client())  # another client is not held back
    Ticket.objects.filter(client=portal_client).update(
        created_at=timezone.now() - timedelta(hours=1, seconds=1))

    make_ticket(portal_client)


def test_comment_past_the_hourly_cap_is_refused_across_tickets(
    portal_client, make_ticket, make_message, settings
):
    settings.CLIENT_COMMENTS_HOURLY_LIMIT = 3
    first, second = make_ticket(portal_client), make_ticket(portal_client)
    _comment(first)
    _comment(second)
    _comment(first)
    make_message(first, "Ответ менеджера")  # managers are not capped

    with pytest.raises(ValidationError) as excinfo:
        _comment(second)

    assert excinfo.value.code == "rate_limit"
    assert excinfo.value.messages[0].startswith(
        "Слишком много сообщений за час: не больше 3. Следующее можно отправить в ")
    assert Message.objects.filter(author_kind="client").count() == 3


def test_new_ticket_page_past_the_cap_keeps_what_was_typed(logged_in, portal_client,
                                                            make_ticket, department, settings):
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 1
    make_ticket(portal_client)

    response = logged_in.post("/tickets/new/", {
        "title": "Третий принтер", "description": "Снова не печатает.",
        "department": department.pk, "criticality": "normal",
    })

    html = response.content.decode()
    assert response.status_code == 429
    assert "Слишком много новых заявок за час" in html
    assert 'value="Третий принтер"' in html
    assert "Снова не печатает." in html


def test_comment_page_past_the_cap_keeps_what_was_typed(logged_in, portal_client, make_ticket,
                                                         settings):
    settings.CLIENT_COMMENTS_HOURLY_LIMIT = 1
    ticket = make_ticket(portal_client)
    _comment(ticket)

    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "Ау, есть кто?"})

    html = response.content.decode()
    assert response.status_code == 429
    assert "Слишком много сообщений за час" in html
    assert "Ау, есть кто?" in html
