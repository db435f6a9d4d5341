"""The support domain. Models are plain: the rules live in ``services.py``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


def choice_label(field_name: str, choices: type[models.Choices]):
    """A ``get_<field>_display`` that looks the label up in a dict built once.

    Django's own rebuilds and translates the field's whole list of choices on
    every call; a page of twenty tickets with two labels each spent a fifth of
    its render on that. Same result: the translated label, or the raw value.
    Django keeps a method defined in the class body instead of adding its own.
    """
    labels = dict(choices.choices)

    def display(self) -> str:
        value = getattr(self, field_name)
        label = labels.get(value)
        return value if label is None else str(label)

    display.__name__ = f"get_{field_name}_display"
    return display


class Client(models.Model):
    """A person who asks for help. Not a Django user: logs in by phone."""

    phone = PhoneNumberField(_("телефон"), unique=True)
    name = models.CharField(_("имя"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("создан"), default=timezone.now)

    class Meta:
        verbose_name = _("клиент")
        verbose_name_plural = _("клиенты")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or self.phone.as_international


class Directory(models.Model):
    name = models.CharField(_("название"), max_length=100, unique=True)
    slug = models.SlugField(_("код"), max_length=100, unique=True)
    is_active = models.BooleanField(_("активен"), default=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(Directory):
    class Meta(Directory.Meta):
        verbose_name = _("отдел")
        verbose_name_plural = _("отделы")


class Tag(Directory):
    class Meta(Directory.Meta):
        verbose_name = _("тег")
        verbose_name_plural = _("теги")


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

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)
    DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)

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
        ]

    get_status_display = choice_label("status", Status)
    get_criticality_display = choice_label("criticality", Criticality)

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def can_be_rated(self):
        return self.status in self.DONE_STATUSES


# A manager's reply the client sees, written by a staff user: what analytics counts
# per manager (the partial index message_public_replies holds exactly these).
PUBLIC_REPLY = Q(author_kind="manager", is_internal=False, author_user__isnull=False)


class Message(models.Model):
    class AuthorKind(models.TextChoices):
        CLIENT = "client", _("Клиент")
        MANAGER = "manager", _("Менеджер")
        SYSTEM = "system", _("Система")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Портал")
        ADMIN = "admin", _("Админка")
        API = "api", _("API")
        BITRIX = "bitrix", _("Битрикс24")
        TELEGRAM = "telegram", _("Telegram")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("заявка")
    )
    author_kind = models.CharField(_("автор"), max_length=16, choices=AuthorKind.choices)
    author_name = models.CharField(_("имя автора"), max_length=150, blank=True)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="ticket_messages", verbose_name=_("сотрудник"),
    )
    text = models.TextField(_("текст"))
    is_internal = models.BooleanField(_("внутренняя заметка"), default=False)
    source = models.CharField(_("источник"), max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    # NULL, not "": many messages have no external id, and the unique
    # constraint must only bind the ones that do.
    external_id = models.CharField(  # noqa: DJ001
        _("внешний ID"), max_length=255, null=True, blank=True
    )

    class Meta:
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(external_id__isnull=False),
                name="message_external_id_unique_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_created"),
            # Analytics: public manager replies per author. Partial: only those messages,
            # about a third of them; read off the index alone (SQLite wants the columns
            # of the condition in it for that, though the condition fixes them).
            models.Index(fields=["ticket", "author_user", "author_kind", "is_internal"],
                         name="message_public_replies", condition=PUBLIC_REPLY),
        ]

    get_author_kind_display = choice_label("author_kind", AuthorKind)
    get_source_display = choice_label("source", Source)

    def __str__(self):
        return f"{self.get_author_kind_display()}: {self.text[:50]}"


class StatusChange(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("заявка")
    )
    from_status = models.CharField(_("был"), max_length=16, choices=Ticket.Status.choices)
    to_status = models.CharField(_("стал"), max_length=16, choices=Ticket.Status.choices)
    source = models.CharField(_("источник"), max_length=16, choices=Message.Source.choices)
    actor_name = models.CharField(_("кто изменил"), max_length=150, blank=True)
    at = models.DateTimeField(_("когда"), default=timezone.now)

    class Meta:
        verbose_name = _("смена статуса")
        verbose_name_plural = _("смены статусов")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="statuschange_ticket_at")]

    get_from_status_display = choice_label("from_status", Ticket.Status)
    get_to_status_display = choice_label("to_status", Ticket.Status)
    get_source_display = choice_label("source", Message.Source)

    def __str__(self):
        return f"#{self.ticket_id}: {self.from_status} → {self.to_status}"


class OneTimeCode(models.Model):
    """A login code sent by SMS, stored as a keyed hash. ``owner_hash``: the asking session's
    token (hashed); ``ip_block``: what address caps count (IPv4 address or IPv6 /64)."""

    phone = PhoneNumberField(_("телефон"))
    code_hash = models.CharField(max_length=128)
    owner_hash = models.CharField(_("сессия"), max_length=64, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    ip_block = models.CharField(_("адрес или сеть /64"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("создан"), default=timezone.now)
    expires_at = models.DateTimeField(_("истекает"))
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    used_at = models.DateTimeField(_("использован"), null=True, blank=True)
    send_failed = models.BooleanField(_("SMS не отправлено"), default=False)

    class Meta:
        verbose_name = _("одноразовый код")
        verbose_name_plural = _("одноразовые коды")
        indexes = [
            models.Index(fields=["phone", "-created_at"], name="otp_phone_created"),
            models.Index(fields=["ip_block", "-created_at"], name="otp_ip_block_created"),
            models.Index(fields=["created_at"], name="otp_created"),  # the global budget
        ]

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class WrongCodeGuess(models.Model):
    """A wrong code typed from an address: ``OTP_IP_FAILED_HOURLY_LIMIT`` caps them."""

    ip_block = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["ip_block", "created_at"], name="otp_guess_block_created"),
            models.Index(fields=["created_at"], name="otp_guess_created"),
        ]

    def __str__(self):
        return f"{self.ip_block} {self.created_at:%Y-%m-%d %H:%M}"
