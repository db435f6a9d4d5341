"""Managers see the Bitrix sync state (queue, inbound calls) and may retry a job."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Менеджеры"
PERMISSIONS = ["view_outboxjob", "change_outboxjob", "view_inboundevent", "view_methodpause"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(
        content_type__app_label="bitrix_integration", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="bitrix_integration", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("bitrix_integration", "0001_initial"),
        ("tickets", "0002_managers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
