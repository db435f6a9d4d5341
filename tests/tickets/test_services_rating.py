"""Rating a ticket: only once it is resolved or closed, a whole number from 1 to 5."""

import pytest

from tickets import services
from tickets.models import Ticket

from .helpers import refused, set_state

pytestmark = pytest.mark.django_db

Status = Ticket.Status


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client)


@pytest.mark.parametrize("status", Ticket.OPEN_STATUSES)
def test_rating_an_open_ticket_is_refused(ticket, status):
    set_state(ticket, status=status)

    assert refused(services.ticket_rate, ticket=ticket, rating=5) == {
        "rating": ["Оценить заявку можно, когда она решена или закрыта."]}
    ticket.refresh_from_db()
    assert ticket.rating is None


@pytest.mark.parametrize("status", Ticket.DONE_STATUSES)
def test_resolved_or_closed_ticket_can_be_rated(ticket, status):
    set_state(ticket, status=status)

    services.ticket_rate(ticket=ticket, rating="5", comment="  Спасибо! ")

    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (5, "Спасибо!")


@pytest.mark.parametrize("rating", [0, 6, -1, "abc", "", None, "4.5", 4.5, True])
def test_rating_outside_1_to_5_or_not_a_whole_number_is_refused(ticket, rating):
    set_state(ticket, status=Status.RESOLVED)

    assert refused(services.ticket_rate, ticket=ticket, rating=rating) == {
        "rating": ["Выберите оценку от 1 до 5."]}
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_rating_again_replaces_the_previous_rating(ticket):
    set_state(ticket, status=Status.CLOSED)
    services.ticket_rate(ticket=ticket, rating=2, comment="Долго")

    services.ticket_rate(ticket=ticket, rating=4, comment="")

    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "")
