"""SLA: targets, the business calendar an admin keeps, and the breaches recorded.

The arithmetic over them lives in ``tickets.sla``; these are plain rows.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clients import Department
from .tickets import Ticket


class SlaTarget(models.Model):
    """Business hours to the first response and to the resolution, per criticality.

    A row with a department wins over the row without one (the general target).
    """

    criticality = models.CharField(_("критичность"), max_length=16,
                                   choices=Ticket.Criticality.choices)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="sla_targets",
        verbose_name=_("отдел"), help_text=_("Пусто — для всех отделов, у которых нет своего срока."),
    )
    first_response_hours = models.DecimalField(
        _("первый ответ, рабочих часов"), max_digits=6, decimal_places=2,
        validators=[MinValueValidator(0.01)])
    resolution_hours = models.DecimalField(
        _("решение, рабочих часов"), max_digits=6, decimal_places=2,
        validators=[MinValueValidator(0.01)])

    class Meta:
        verbose_name = _("срок SLA")
        verbose_name_plural = _("сроки SLA")
        ordering = ["department__name", "criticality"]
        constraints = [
            models.UniqueConstraint(fields=["criticality", "department"],
                                    name="sla_target_per_department"),
            models.UniqueConstraint(fields=["criticality"], condition=Q(department__isnull=True),
                                    name="sla_target_general"),
        ]

    def __str__(self):
        where = self.department.name if self.department_id else _("все отделы")
        return f"{Ticket.Criticality(self.criticality).label} ({where})"


class WorkSchedule(models.Model):
    """Working hours of an ordinary working day (Monday–Friday), in ``TIME_ZONE``.

    One row; without it the day is 09:00–18:00.
    """

    day_start = models.TimeField(_("начало рабочего дня"))
    day_end = models.TimeField(_("конец рабочего дня"))

    class Meta:
        verbose_name = _("рабочие часы")
        verbose_name_plural = _("рабочие часы")
        constraints = [models.CheckConstraint(condition=Q(day_end__gt=models.F("day_start")),
                                              name="work_schedule_end_after_start")]

    def __str__(self):
        return f"{self.day_start:%H:%M}–{self.day_end:%H:%M}"


class CalendarDay(models.Model):
    """An admin's word on one date: it wins over the calendar shipped in
    ``tickets.sla.calendar_data`` and over the Monday–Friday rule."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("нерабочий (праздник или перенесённый выходной)")
        WORKING = "working", _("рабочий (в том числе рабочая суббота)")
        SHORT = "short", _("рабочий, на час короче (предпраздничный)")

    date = models.DateField(_("дата"), unique=True)
    kind = models.CharField(_("какой день"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("основание"), max_length=200, blank=True,
                            help_text=_("Например: «Постановление Правительства РФ от … № …»."))

    class Meta:
        verbose_name = _("день производственного календаря")
        verbose_name_plural = _("производственный календарь")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y}: {self.get_kind_display()}"


class SlaBreach(models.Model):
    """A target missed by an open ticket, recorded once (the notification goes with it)."""

    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("первый ответ")
        RESOLUTION = "resolution", _("решение")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_breaches",
                               verbose_name=_("заявка"))
    kind = models.CharField(_("срок"), max_length=16, choices=Kind.choices)
    due_at = models.DateTimeField(_("срок был"))
    at = models.DateTimeField(_("замечено"), default=timezone.now)
    # How many people were told (assignee, the department's lead) through the outbox.
    notified = models.PositiveSmallIntegerField(_("уведомлено"), default=0)

    class Meta:
        verbose_name = _("нарушение SLA")
        verbose_name_plural = _("нарушения SLA")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"],
                                               name="sla_breach_once_per_target")]
        indexes = [models.Index(fields=["-at"], name="sla_breach_at")]

    def __str__(self):
        return f"#{self.ticket_id}: {self.get_kind_display()}"
