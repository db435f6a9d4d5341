"""A client's request to erase their personal data (152-FZ), and its confirmation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clients import Client


class ErasureRequest(models.Model):
    """Asked by the client on «Мои данные», confirmed by a staff user with
    ``tickets.erase_client``; the confirmation erases (tickets.services.erasure)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="erasure_requests",
                               verbose_name=_("клиент"))
    requested_at = models.DateTimeField(_("запрошено"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("удалено"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("подтвердил"),
    )
    # Kept even if the user is deleted later: who confirmed is the point of the record.
    confirmed_by_name = models.CharField(_("подтвердил (имя)"), max_length=150, blank=True)
    # What was erased, for the record: counts only, never the data itself.
    summary = models.JSONField(_("что удалено"), default=dict, blank=True)

    class Meta:
        verbose_name = _("запрос на удаление данных")
        verbose_name_plural = _("запросы на удаление данных")
        ordering = ["-requested_at", "-id"]
        permissions = [("erase_client", _("Может подтверждать удаление данных клиента"))]
        constraints = [
            models.UniqueConstraint(fields=["client"], condition=Q(confirmed_at__isnull=True),
                                    name="erasure_one_pending_per_client"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.requested_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None
