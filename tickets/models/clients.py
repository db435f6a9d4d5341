"""Who asks for help, and the directories a ticket is filed under."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Client(models.Model):
    """A person who asks for help. Not a Django user: logs in by phone."""

    phone = PhoneNumberField(_("телефон"), unique=True)
    name = models.CharField(_("имя"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("создан"), default=timezone.now)
    # Set once the client's personal data is erased (tickets.services.erasure): the row
    # stays for the tickets' figures, and no session of it logs in any more.
    erased_at = models.DateTimeField(_("данные удалены"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("клиент")
        verbose_name_plural = _("клиенты")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or self.phone_international

    # An erased client's placeholder (+999…, a code of no country) has no parsed parts:
    # phonenumbers would print it as "+NoneNone" / "None". It is shown as stored.
    @property
    def phone_e164(self) -> str:
        return self.phone.as_e164 if self.phone.country_code else str(self.phone)

    @property
    def phone_international(self) -> str:
        return self.phone.as_international if self.phone.country_code else str(self.phone)


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
    # Told about every SLA breach in the department, besides the ticket's assignee.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="led_departments", limit_choices_to={"is_staff": True},
        verbose_name=_("руководитель"),
        help_text=_("Получает уведомления о нарушенных сроках SLA в отделе."),
    )
    # What the client reads next to the name on the new-ticket form, in their words.
    description = models.CharField(
        _("описание для клиента"), max_length=200, blank=True,
        help_text=_("Одна строка: с чем сюда обращаться, например «счета, акты, оплата»."),
    )

    class Meta(Directory.Meta):
        verbose_name = _("отдел")
        verbose_name_plural = _("отделы")


class Tag(Directory):
    class Meta(Directory.Meta):
        verbose_name = _("тег")
        verbose_name_plural = _("теги")
