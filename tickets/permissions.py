"""The «Менеджеры» group: exactly what a manager needs for a day's work.

Each app names what a manager may do with its models in
``AppConfig.manager_permissions`` (codenames of that app). After every
``migrate`` (and every test flush) ``managers_group_sync`` sets the group's
permissions to exactly those, as ``django.contrib.sites`` makes its default
site: no data migration has to know another app's permissions, and tickets
imports no other app.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Q

MANAGERS_GROUP = "Менеджеры"


def manager_permissions() -> set[tuple[str, str]]:
    """``(app_label, codename)`` of every permission some app grants its managers."""
    return {(config.label, codename) for config in global_apps.get_app_configs()
            for codename in getattr(config, "manager_permissions", ())}


def managers_group_sync(app_config=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """``post_migrate`` receiver: create the group and set its permissions exactly.

    It runs after each app's migrate; a permission whose app is migrated later does
    not exist yet and is added on that app's turn. Running it again changes nothing.
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Group):
        return
    wanted = Permission.objects.using(using).none()
    pairs = manager_permissions()
    if pairs:
        query = Q()
        for app_label, codename in pairs:
            query |= Q(content_type__app_label=app_label, codename=codename)
        wanted = Permission.objects.using(using).filter(query)
    group, _ = Group.objects.using(using).get_or_create(name=MANAGERS_GROUP)
    group.permissions.set(wanted)
