"""Ticket rules: creation, status, rating, assignment (the dialog: ``messages.py``).

Every caller (client pages, admin, manager API, Bitrix inbound, commands)
goes through these functions, so each rule lives here once. They validate and
raise ``ValidationError`` with a Russian message the caller can show.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import sla
from ..models import Client, Department, Message, StatusChange, Tag, Ticket
from . import attachments, client_limits

# One source for each limit: a column's length is the model's; forms, the API and its
# OpenAPI document read these names.
TITLE_MAX_LENGTH = Ticket._meta.get_field("title").max_length
AUTHOR_NAME_MAX_LENGTH = Message._meta.get_field("author_name").max_length
ACTOR_NAME_MAX_LENGTH = StatusChange._meta.get_field("actor_name").max_length
# Description, message text and rating comment are TextFields: this limit is the rule's.
TEXT_MAX_LENGTH = 10_000

Status = Ticket.Status


def parse_choice(value, choices_class, *, field):
    """Accept a code or its Russian label, in any case; return the code.

    ``"in_progress"``, ``"IN_PROGRESS"`` and ``"В работе"`` all give
    ``"in_progress"``. Anything else is a ``ValidationError`` that lists the
    allowed values.
    """
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for code, label in choices_class.choices:
            if wanted in (code.casefold(), str(label).casefold()):
                return code
    listed = ", ".join(f"{code} ({label})" for code, label in choices_class.choices)
    raise ValidationError({field: ValidationError(
        _("Недопустимое значение «%(value)s». Допустимые: %(listed)s."), code="invalid_choice",
        params={"value": value, "listed": listed, "allowed": list(choices_class.values)},
    )})


def clean_text(value, *, field, max_length, label):
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("Заполните поле «%(label)s».") % {"label": label}},
                              code="required")
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Поле «%(label)s» длиннее %(max)s символов: сократите текст.")
             % {"label": label, "max": max_length}},
            code="max_length",
        )
    return text


def ticket_create(*, files=(), **fields) -> Ticket:
    """A client's new ticket, with up to five ``files`` on its description
    (``Attachment.message`` empty), stored together or not at all."""
    uploads = attachments.attachments_check(files)
    with attachments.removed_on_failure() as stored:
        return _ticket_create(uploads=uploads, stored=stored, **fields)


@transaction.atomic
def _ticket_create(
    *,
    client: Client,
    title: str,
    description: str,
    department: Department,
    criticality: str = Ticket.Criticality.NORMAL,
    tag: Tag | None = None,
    uploads=(),
    stored=None,
) -> Ticket:
    errors = {}
    try:
        title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH, label=_("Название"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        description = clean_text(description, field="description",
                                  max_length=TEXT_MAX_LENGTH, label=_("Описание"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        criticality = parse_choice(criticality, Ticket.Criticality, field="criticality")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if department is None or not department.is_active:
        errors["department"] = [_("Выберите отдел из списка.")]
    if tag is not None and not tag.is_active:
        errors["tag"] = [_("Этот тег больше не используется: выберите другой.")]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    client_limits.check_ticket_cap(client=client, now=now)
    client_limits.check_upload_cap(client=client, now=now, uploads=uploads)
    ticket = Ticket(
        client=client,
        title=title,
        description=description,
        criticality=criticality,
        department=department,
        tag=tag,
        status=Status.NEW,
        created_at=now,
        updated_at=now,
        client_seen_at=now,
        **sla.start_fields(criticality=criticality, department_id=department.pk, at=now),
    )
    # The description is the client's first word: it is their turn until a reply comes.
    ticket.set_last_public(at=now, by=Message.AuthorKind.CLIENT, text=description)
    ticket.save(force_insert=True)
    if uploads:
        attachments.attachments_store(ticket=ticket, message=None, uploads=uploads,
                                      stored=stored if stored is not None else [])
    return ticket


@transaction.atomic
def ticket_change_status(
    *,
    ticket: Ticket,
    status: str,
    source: str,
    actor_name: str = "",
) -> StatusChange | None:
    """Move a ticket to ``status`` (code or label) and record the change.

    Returns the ``StatusChange`` row, or ``None`` when the ticket already has
    that status: a repeat is a no-op, which keeps inbound syncs idempotent.
    """
    to_status = parse_choice(status, Status, field="status")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    from_status = ticket.status
    if from_status == to_status:
        return None

    now = timezone.now()
    if to_status == Status.RESOLVED or (
        to_status == Status.CLOSED and from_status in Ticket.OPEN_STATUSES
    ):
        ticket.resolved_at = now
        ticket.resolution_seconds = (now - ticket.created_at).total_seconds()
    elif to_status in Ticket.OPEN_STATUSES:
        ticket.resolved_at = None  # reopened: the old resolution no longer counts
        ticket.resolution_seconds = None
    sla_fields = sla.on_status(ticket, from_status, to_status, now=now)
    ticket.status = to_status
    ticket.updated_at = now
    ticket.save(update_fields=["status", "resolved_at", "resolution_seconds", "updated_at",
                               *sla_fields])
    return StatusChange.objects.create(
        ticket=ticket,
        from_status=from_status,
        to_status=to_status,
        source=source,
        actor_name=actor_name[:ACTOR_NAME_MAX_LENGTH],
        at=now,
    )


def _parse_rating(value) -> int:
    """A whole number, or 0 (refused): ``4.5`` must not become 4, nor ``True`` 1."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@transaction.atomic
def ticket_rate(*, ticket: Ticket, rating, comment: str = "") -> Ticket:
    """The client rates a resolved or closed ticket (1–5); a new rating replaces the old."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.can_be_rated:
        raise ValidationError(
            {"rating": _("Оценить заявку можно, когда она решена или закрыта.")},
            code="not_resolved",
        )
    rating = _parse_rating(rating)
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Выберите оценку от 1 до 5.")}, code="invalid")
    comment = (comment or "").strip()
    if len(comment) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Комментарий длиннее %(max)s символов: сократите текст.")
             % {"max": TEXT_MAX_LENGTH}}
        )
    ticket.rating = rating
    ticket.rating_comment = comment
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["rating", "rating_comment", "updated_at"])
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee) -> Ticket:
    """Give the ticket to a staff user, or to nobody (``None``)."""
    if assignee is not None and not (assignee.is_staff and assignee.is_active):
        raise ValidationError({"assignee": _("Исполнителем может быть только активный сотрудник.")})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    ticket.assignee = assignee
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["assignee", "updated_at"])
    return ticket


@transaction.atomic
def ticket_update(*, ticket: Ticket, criticality: str | None = None,
                  department: Department | None = None, tag: Tag | None = None,
                  clear_tag: bool = False) -> Ticket:
    """A manager corrects the classification: criticality, department, tag."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    fields = []
    if criticality is not None:
        ticket.criticality = parse_choice(criticality, Ticket.Criticality, field="criticality")
        fields.append("criticality")
    if department is not None:
        ticket.department = department
        fields.append("department")
    if tag is not None or clear_tag:
        ticket.tag = tag
        fields.append("tag")
    if fields:
        ticket.updated_at = timezone.now()
        if "criticality" in fields or "department" in fields:
            fields += sla.refresh(ticket, now=ticket.updated_at)  # another target applies
        ticket.save(update_fields=[*fields, "updated_at"])
    return ticket
