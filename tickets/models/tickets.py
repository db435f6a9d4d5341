"""The ticket."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import choice_label
from .clients import Client, Department, Tag


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Новая")
        IN_PROGRESS = "in_progress", _("В работе")
        WAITING = "waiting", _("Ожидает ответа клиента")
        RESOLVED = "resolved", _("Решена")
        CLOSED = "closed", _("Закрыта")

    class Criticality(models.TextChoices):
        LOW = "low", _("Низкая")
        NORMAL = "normal", _("Средняя")
        HIGH = "high", _("Высокая")
        CRITICAL = "critical", _("Критическая")

    # How the client pages name a status where it differs from the label above (which
    # managers, the API and Bitrix keep): the ticket waits for the client's answer.
    CLIENT_STATUS_LABELS = {Status.WAITING: _("Ждём вашего ответа")}

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)
    DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)
    PREVIEW_CHARS = 140  # of the last public message, for a row's one-line preview

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("клиент")
    )
    title = models.CharField(_("название"), max_length=200)
    description = models.TextField(_("описание"))
    criticality = models.CharField(
        _("критичность"), max_length=16, choices=Criticality.choices, default=Criticality.NORMAL
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("тег"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("отдел")
    )
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_tickets", limit_choices_to={"is_staff": True},
        verbose_name=_("исполнитель"),
    )
    created_at = models.DateTimeField(_("создана"), default=timezone.now)
    updated_at = models.DateTimeField(_("обновлена"), default=timezone.now)
    first_response_at = models.DateTimeField(_("первый ответ"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("решена"), null=True, blank=True)
    # The two delays in seconds, kept with first_response_at / resolved_at by the
    # services, so that averages and percentiles are index reads, not sorts.
    first_response_seconds = models.FloatField(_("первый ответ, с"), null=True, blank=True,
                                               editable=False)
    resolution_seconds = models.FloatField(_("время решения, с"), null=True, blank=True,
                                           editable=False)
    rating = models.PositiveSmallIntegerField(_("оценка"), null=True, blank=True)
    rating_comment = models.TextField(_("комментарий к оценке"), blank=True)
    bitrix_entity_type = models.CharField(_("тип сущности Битрикс24"), max_length=16, blank=True)
    bitrix_entity_id = models.PositiveBigIntegerField(
        _("ID в Битрикс24"), null=True, blank=True, db_index=True
    )
    # Whose turn it is: the last public message (the description counts as the client's),
    # kept by the services. "Ждёт с" and "waiting on us" read these, not the dialog.
    last_public_at = models.DateTimeField(_("ждёт с"), null=True, blank=True, editable=False)
    last_public_by = models.CharField(
        _("последним писал"), max_length=16, blank=True, editable=False,
        choices=[("client", _("Клиент")), ("manager", _("Менеджер"))],
    )
    # The start of that message and its author's name, kept with them: each row of the
    # client's list previews it («Ирина: уточните номер договора…») from the ticket alone.
    last_public_text = models.CharField(_("последнее сообщение"), max_length=PREVIEW_CHARS,
                                        blank=True, editable=False)
    last_public_name = models.CharField(_("автор последнего сообщения"), max_length=150,
                                        blank=True, editable=False)
    # When the client last opened the card: a manager's reply after it is «Новый ответ».
    client_seen_at = models.DateTimeField(
        _("клиент смотрел"), null=True, blank=True, editable=False
    )
    # Set when a file is first stored on the ticket, never cleared (a removed file still
    # shows as «файл удалён»): a card without files does not look for them.
    has_files = models.BooleanField(_("есть файлы"), default=False, editable=False)
    # SLA, in business time (the rules: tickets.services.sla). Stored, so queues and
    # reports filter and sort on them without computing. A due time is null while its
    # clock is paused (resolution, while waiting on the client) or once it is met.
    first_response_due_at = models.DateTimeField(_("ответить до"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("решить до"), null=True, blank=True)
    # Business seconds left on the resolution clock while it is paused.
    resolution_left_seconds = models.FloatField(
        _("осталось на решение, с"), null=True, blank=True, editable=False
    )
    # The nearest running due time, and the moment less than 20 % of its target is
    # left ("at risk"): what the queue sorts and filters on.
    sla_due_at = models.DateTimeField(_("ближайший срок"), null=True, blank=True, editable=False)
    sla_warn_at = models.DateTimeField(_("скоро срок с"), null=True, blank=True, editable=False)
    sla_breached = models.BooleanField(_("срок нарушен"), default=False)
    # Each target's verdict once it is decided (null while its clock runs): what the
    # share of targets met in analytics counts.
    sla_first_response_met = models.BooleanField(
        _("первый ответ в срок"), null=True, blank=True, editable=False
    )
    sla_resolution_met = models.BooleanField(
        _("решена в срок"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("заявка")
        verbose_name_plural = _("заявки")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="ticket_client_created"),
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["created_at"], name="ticket_created"),
            models.Index(fields=["updated_at"], name="ticket_updated"),
            # Analytics: a period per department; tickets resolved per day, counted off the
            # index alone (the status and department ride along).
            models.Index(fields=["department", "created_at"], name="ticket_department_created"),
            models.Index(fields=["resolved_at", "status", "department"],
                         name="ticket_resolved_status"),
            # Analytics: nearest-rank percentiles read in order off these (covering) indexes.
            models.Index(fields=["first_response_seconds", "created_at", "department"],
                         name="ticket_first_response"),
            models.Index(fields=["assignee", "first_response_seconds", "created_at",
                                 "department"], name="ticket_assignee_first_response"),
            models.Index(fields=["resolution_seconds", "created_at", "department", "status"],
                         name="ticket_resolution"),
            models.Index(fields=["assignee", "resolution_seconds", "created_at", "department",
                                 "status"], name="ticket_assignee_resolution"),
            # The queue (tickets.queue.QUEUE_ORDERING: nearest due time, then the longest
            # wait): its first page is a walk of the first rows of one of these, unfiltered
            # or behind an equality filter, never a sort of the table.
            models.Index(fields=["sla_due_at", "last_public_at", "id"], name="ticket_queue"),
            models.Index(fields=["status", "sla_due_at", "last_public_at", "id"],
                         name="ticket_status_queue"),
            models.Index(fields=["assignee", "sla_due_at", "last_public_at", "id"],
                         name="ticket_assignee_queue"),
            models.Index(fields=["department", "sla_due_at", "last_public_at", "id"],
                         name="ticket_department_queue"),
            # Open tickets only (a tenth of the table or less): the per-manager counts
            # (overdue, at risk, waiting…) read this alone on PostgreSQL (INCLUDE).
            models.Index(fields=["assignee", "sla_due_at"], name="ticket_open_assignee",
                         include=["status", "sla_warn_at", "sla_breached", "last_public_by"],
                         condition=Q(status__in=["new", "in_progress", "waiting"])),
        ]
        permissions = [
            ("view_team_dashboard", _("Может видеть показатели всех менеджеров")),
        ]

    get_status_display = choice_label("status", Status)
    get_criticality_display = choice_label("criticality", Criticality)

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @classmethod
    def client_status_label(cls, status: str) -> str:
        """The status as the client reads it: the one place that label is chosen."""
        label = cls.CLIENT_STATUS_LABELS.get(status) or _STATUS_LABELS.get(status)
        return str(label) if label is not None else status

    def get_client_status_display(self) -> str:
        return self.client_status_label(self.status)

    def set_last_public(self, *, at, by: str, text: str, name: str = "") -> list[str]:
        """The last public message is now ``by``'s (client or manager): whose turn it is
        and the list's preview of it. Returns the fields it set, for ``update_fields``."""
        self.last_public_at = at
        self.last_public_by = by
        self.last_public_text = text[:self.PREVIEW_CHARS]
        self.last_public_name = name
        return ["last_public_at", "last_public_by", "last_public_text", "last_public_name"]

    @property
    def has_new_reply(self) -> bool:
        """«Новый ответ»: the last public message is a manager's, written after the
        client last opened the card."""
        return self.last_public_by == "manager" and self.last_public_at is not None and (
            self.client_seen_at is None or self.last_public_at > self.client_seen_at)

    @property
    def can_be_rated(self):
        return self.status in self.DONE_STATUSES


_STATUS_LABELS = dict(Ticket.Status.choices)  # built once (models.base.choice_label says why)
