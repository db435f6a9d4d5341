"""Reads shared by views, admin and the API. Query counts never grow with rows."""

from django.db.models import QuerySet

from .models import Client, Department, Message, StatusChange, Tag, Ticket

SESSION_CLIENT_KEY = "client_id"


def client_from_session(session) -> Client | None:
    client_id = session.get(SESSION_CLIENT_KEY)
    if client_id is None:
        return None
    return Client.objects.filter(pk=client_id).first()


def client_ticket_list(*, client: Client, status: str | None = None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(client=client).select_related("department", "tag")
    if status:
        tickets = tickets.filter(status=status)
    return tickets.order_by("-updated_at", "-id")


def client_ticket_get(*, client: Client, ticket_id: int) -> Ticket | None:
    """The client's own ticket, or ``None``: another client's ticket does not exist for them."""
    return (
        Ticket.objects.select_related("department", "tag", "client")
        .filter(client=client, pk=ticket_id)
        .first()
    )


def ticket_public_messages(*, ticket: Ticket) -> QuerySet[Message]:
    return ticket.messages.filter(is_internal=False).order_by("created_at", "id")


def ticket_status_history(*, ticket: Ticket) -> QuerySet[StatusChange]:
    return ticket.status_changes.order_by("at", "id")


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("name")


def active_tags() -> QuerySet[Tag]:
    return Tag.objects.filter(is_active=True).order_by("name")
