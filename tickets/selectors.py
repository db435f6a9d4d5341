"""Reads shared by views, admin and the API. Query counts never grow with rows."""

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from .models import Client, Department, Message, StatusChange, Tag, Ticket

SESSION_CLIENT_KEY = "client_id"


def session_client_id(session) -> int | None:
    return session.get(SESSION_CLIENT_KEY)


def client_from_session(session) -> Client | None:
    client_id = session_client_id(session)
    if client_id is None:
        return None
    # get(), not first(): no ORDER BY to build and run on every page.
    try:
        return Client.objects.get(pk=client_id)
    except Client.DoesNotExist:
        return None


def client_ticket_list(*, client: Client, status: str | None = None) -> QuerySet[Ticket]:
    """The client's tickets with what a row of their list shows, and nothing more
    (descriptions can be long and no row shows them)."""
    tickets = (
        Ticket.objects.filter(client=client)
        .select_related("department", "tag")
        .only("title", "status", "criticality", "updated_at", "client_id",
              "department__name", "tag__name")
    )
    if status:
        tickets = tickets.filter(status=status)
    return tickets.order_by("-updated_at", "-id")


def client_ticket_get(*, client_id: int, ticket_id: int) -> Ticket | None:
    """The client's own ticket with its client, or ``None``: another client's ticket
    does not exist for them. One query for both: every card page needs the two."""
    try:
        return Ticket.objects.select_related("client", "department", "tag").get(
            client_id=client_id, pk=ticket_id
        )
    except Ticket.DoesNotExist:
        return None


def ticket_public_messages(*, ticket: Ticket) -> QuerySet[Message]:
    return ticket.messages.filter(is_internal=False).order_by("created_at", "id")


def ticket_status_history(*, ticket: Ticket) -> QuerySet[StatusChange]:
    return ticket.status_changes.order_by("at", "id")


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("name")


def active_tags() -> QuerySet[Tag]:
    return Tag.objects.filter(is_active=True).order_by("name")


# --- the SLA and whose turn it is (COMMON.md's shared definitions) --------------------------
# Each is a Q object of the ticket's stored fields, so a filter, a count with ``filter=`` and
# a GROUP BY all say the same thing, and an index on those fields serves each.


def sla_overdue(now) -> Q:
    """«Просрочено»: open, and either a target was missed or the nearest due time passed."""
    return Q(status__in=Ticket.OPEN_STATUSES) & (Q(sla_breached=True) | Q(sla_due_at__lt=now))


def sla_at_risk(now) -> Q:
    """«Скоро срок»: open, not overdue, less than 20 % of the target left."""
    return (Q(status__in=Ticket.OPEN_STATUSES, sla_breached=False, sla_warn_at__lte=now)
            & (Q(sla_due_at__gte=now) | Q(sla_due_at__isnull=True)))


def waiting_on_client() -> Q:
    """«Ждёт клиента»."""
    return Q(status=Ticket.Status.WAITING)


def waiting_on_us() -> Q:
    """«Ждут нас»: open, not waiting on the client, and the client wrote last."""
    return Q(status__in=[Ticket.Status.NEW, Ticket.Status.IN_PROGRESS], last_public_by="client")


# The queue's order: overdue first, then at risk (the nearest due time; tickets whose clock
# is stopped after them), then whoever has waited longest. The id makes it total, so pages
# never repeat or skip a row. Indexes ticket_queue* match it (ASC is NULLS LAST on PostgreSQL).
QUEUE_ORDER = (F("sla_due_at").asc(nulls_last=True), F("last_public_at").asc(nulls_last=True),
               F("id").asc())


def manager_ticket_queryset() -> QuerySet[Ticket]:
    """Tickets with everything a manager's list shows, in one query."""
    return Ticket.objects.select_related("client", "department", "tag", "assignee")


def manager_ticket_list(
    *,
    status: str | None = None,
    department: Department | None = None,
    tag: Tag | None = None,
    criticality: str | None = None,
    updated_since=None,
) -> QuerySet[Ticket]:
    tickets = manager_ticket_queryset()
    if status:
        tickets = tickets.filter(status=status)
    if department is not None:
        tickets = tickets.filter(department=department)
    if tag is not None:
        tickets = tickets.filter(tag=tag)
    if criticality:
        tickets = tickets.filter(criticality=criticality)
    if updated_since is not None:
        tickets = tickets.filter(updated_at__gte=updated_since)
    return tickets.order_by("-updated_at", "-id")


def ticket_messages(*, ticket: Ticket) -> QuerySet[Message]:
    """The whole dialog, internal notes included: for managers only."""
    return ticket.messages.order_by("created_at", "id")


def directory_find(model, value) -> Department | Tag | None:
    """A department or tag by id, slug or name, in any case (Cyrillic included).

    Compared in Python: SQLite's case-insensitive match knows only Latin
    letters, and these tables hold a handful of rows (one query either way).
    """
    wanted = str(value).strip().casefold()
    if not wanted:
        return None
    for item in model.objects.order_by("pk"):
        if wanted in (str(item.pk), item.slug.casefold(), item.name.casefold()):
            return item
    return None


def staff_users():
    """Managers who can be assignees, by name: one query for a filter or a select."""
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def display_name(user) -> str:
    """How a staff user is named to clients, in reports and in the dialog."""
    return user.get_full_name() or user.get_username()


MAX_ID = 2**63 - 1  # the largest value of a bigint primary key


def id_from_text(value) -> int | None:
    """A database id written as text (a query parameter, a form field, a Bitrix id), or
    ``None``. Only ASCII digits: "²" passes ``isdigit()`` and ``int()`` refuses it, and 25
    digits would overflow the column."""
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None
