"""Reads shared by views, admin and the API. Query counts never grow with rows."""

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from .formatting import when_text
from .models import (
    Attachment,
    Client,
    Department,
    Message,
    ReplyTemplate,
    StatusChange,
    Tag,
    Ticket,
)

SESSION_CLIENT_KEY = "client_id"


def session_client_id(session) -> int | None:
    return session.get(SESSION_CLIENT_KEY)


def _logged_in(clients: QuerySet[Client], client_id: int | None) -> Client | None:
    """The session's client, if they may be logged in. An erased client's sessions end
    here: none of them logs in any more. get(), not first(): no ORDER BY to build."""
    if client_id is None:
        return None
    try:
        return clients.get(pk=client_id, erased_at__isnull=True)
    except Client.DoesNotExist:
        return None


def client_from_session(session) -> Client | None:
    return _logged_in(Client.objects.all(), session_client_id(session))


# The client's list in two tabs instead of a chip per status; ``?status=<code>`` still
# narrows it to one status (the contract's filter).
CLIENT_TABS = {"open": Ticket.OPEN_STATUSES, "done": Ticket.DONE_STATUSES}


def client_ticket_list(*, client_id: int, status: str | None = None) -> QuerySet[Ticket]:
    """The client's tickets with what a row of their list shows, and nothing more
    (descriptions can be long and no row shows them; the last public message's
    preview is kept on the ticket): what waits for the client first, then the other
    open ones, then the rest, each newest first."""
    tickets = (
        Ticket.objects.filter(client_id=client_id)
        .select_related("department", "tag")
        .only("title", "status", "criticality", "updated_at", "client_id",
              "last_public_at", "last_public_by", "last_public_text", "last_public_name",
              "client_seen_at", "department__name", "tag__name")
        .annotate(needs_client=Case(
            When(status=Ticket.Status.WAITING, then=Value(0)),
            When(status__in=Ticket.OPEN_STATUSES, then=Value(1)),
            default=Value(2), output_field=IntegerField(),
        ))
    )
    if status in CLIENT_TABS:
        tickets = tickets.filter(status__in=CLIENT_TABS[status])
    elif status:
        tickets = tickets.filter(status=status)
    return tickets.order_by("needs_client", "-updated_at", "-id")


def client_with_tab_counts(client_id: int | None) -> Client | None:
    """The logged-in client (as ``client_from_session``) with how many tickets each
    tab of their list holds, ``tab_counts``: one query for the list's header, tabs and
    pager. ``None`` for no client or an erased one."""
    client = _logged_in(Client.objects.annotate(**{
        f"{tab}_count": Count("tickets", filter=Q(tickets__status__in=statuses))
        for tab, statuses in CLIENT_TABS.items()
    }), client_id)
    if client is not None:
        client.tab_counts = {tab: getattr(client, f"{tab}_count") for tab in CLIENT_TABS}
    return client


def client_ticket_get(*, client_id: int, ticket_id: int) -> Ticket | None:
    """The client's own ticket with its client, or ``None``: another client's ticket
    does not exist for them. One query for both: every card page needs the two."""
    try:
        return Ticket.objects.select_related("client", "department", "tag").get(
            client_id=client_id, pk=ticket_id, client__erased_at__isnull=True
        )
    except Ticket.DoesNotExist:
        return None


def _with_attachments(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Each message's files in one more query, however many there are."""
    return messages.prefetch_related(Prefetch(
        "attachments", queryset=Attachment.objects.order_by("created_at", "id"),
        to_attr="files"))


def ticket_dialog(*, ticket: Ticket, public: bool) -> tuple[list[Message], list[Attachment]]:
    """A card's dialog: its messages in order, each with ``files``, and the files of
    the description (``message`` empty). Two queries for any number of messages and
    files; one on a ticket that never had a file (most of them).
    ``public``: what the client sees, without internal notes or their files."""
    messages = ticket.messages.order_by("created_at", "id")
    files = ticket.attachments.order_by("created_at", "id")
    if public:
        messages = messages.filter(is_internal=False)
        files = files.filter(Q(message__isnull=True) | Q(message__is_internal=False))
    messages = list(messages)
    by_id = {message.pk: message for message in messages}
    for message in messages:
        message.files = []
    description_files = []
    for file in files if ticket.has_files else ():
        if file.message_id is None:
            description_files.append(file)
        elif file.message_id in by_id:  # not a message written after the first query
            by_id[file.message_id].files.append(file)
    return messages, description_files


def client_attachment_get(*, client_id: int | None, attachment_id: int) -> Attachment | None:
    """A file the client may download: on their own ticket, on its description or a
    message they can see (never an internal note's). Anything else is ``None``."""
    if client_id is None:
        return None
    return (Attachment.objects.filter(pk=attachment_id, ticket__client_id=client_id)
            .filter(Q(message__isnull=True) | Q(message__is_internal=False))
            .first())


def ticket_status_history(*, ticket: Ticket) -> QuerySet[StatusChange]:
    return ticket.status_changes.order_by("at", "id")


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("name")


def active_tags() -> QuerySet[Tag]:
    return Tag.objects.filter(is_active=True).order_by("name")


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
    return _with_attachments(ticket.messages.order_by("created_at", "id"))


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


def ticket_sla_promises(*, ticket: Ticket, now=None) -> list[str]:
    """What the client's card says about our due times, in the client's words.

    Never a countdown: a paused clock is said to be paused, a passed due time is
    owned up to instead of promising the past.
    """
    now = now or timezone.now()
    if ticket.status not in Ticket.OPEN_STATUSES:
        return []
    lines = []
    if ticket.first_response_due_at is not None:
        if ticket.first_response_due_at > now:
            lines.append(_("Ответим %(when)s")
                         % {"when": when_text(ticket.first_response_due_at, now=now)})
        else:
            lines.append(_("Мы задерживаемся с ответом: извините, ответим как можно скорее."))
    if ticket.status == Ticket.Status.WAITING:
        lines.append(_("Срок решения остановлен, пока мы ждём вашего ответа"))
    elif ticket.resolution_due_at is not None:
        if ticket.resolution_due_at > now:
            lines.append(_("Решим %(when)s")
                         % {"when": when_text(ticket.resolution_due_at, now=now)})
        else:
            lines.append(_("Решение занимает больше времени, чем мы обещали: "
                           "мы продолжаем работать над заявкой."))
    return lines


def client_recent_tickets(*, client_id: int, exclude_id: int | None = None, limit: int = 8):
    """The client's last tickets for the side block of a card: one bounded query."""
    tickets = (Ticket.objects.filter(client_id=client_id)
               .only("id", "title", "status", "created_at").order_by("-created_at", "-id"))
    if exclude_id is not None:
        tickets = tickets.exclude(pk=exclude_id)
    return list(tickets[:limit])


def active_reply_templates() -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(is_active=True).order_by("title")
