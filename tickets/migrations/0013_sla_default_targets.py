"""The default SLA targets (DESIGN, "SLA and the business calendar") and the
working hours 09:00–18:00, as rows an admin edits. Frozen here on purpose: a
later change of the defaults in code must not rewrite what an admin set."""

import datetime

from django.db import migrations

# criticality: (first response, resolution), business hours.
DEFAULTS = {"critical": (1, 8), "high": (4, 16), "normal": (8, 40), "low": (16, 80)}


def create(apps, schema_editor):
    SlaTarget = apps.get_model("tickets", "SlaTarget")
    WorkSchedule = apps.get_model("tickets", "WorkSchedule")
    for criticality, (first, resolution) in DEFAULTS.items():
        SlaTarget.objects.get_or_create(
            criticality=criticality, department=None,
            defaults={"first_response_hours": first, "resolution_hours": resolution})
    if not WorkSchedule.objects.exists():
        WorkSchedule.objects.create(day_start=datetime.time(9), day_end=datetime.time(18))


def remove(apps, schema_editor):
    apps.get_model("tickets", "SlaTarget").objects.filter(department=None).delete()
    apps.get_model("tickets", "WorkSchedule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_sla_targets_calendar_breaches")]
    operations = [migrations.RunPython(create, remove)]
