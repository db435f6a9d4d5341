"""Saved replies managers keep in admin and insert on a ticket's card."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyTemplate(models.Model):
    title = models.CharField(_("название"), max_length=100, unique=True)
    text = models.TextField(
        _("текст"),
        help_text=_("Подстановки: {client_name} — имя клиента, {ticket_id} — номер заявки, "
                    "{ticket_title} — её название, {manager_name} — ваше имя."),
    )
    is_active = models.BooleanField(_("показывать в карточке"), default=True)

    class Meta:
        verbose_name = _("шаблон ответа")
        verbose_name_plural = _("шаблоны ответов")
        ordering = ["title"]

    def __str__(self):
        return self.title
