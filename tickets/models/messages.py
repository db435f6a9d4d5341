"""The dialog of a ticket and its status history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import choice_label
from .tickets import Ticket

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
