"""The «Менеджеры» group is made after migrate from each app's ``manager_permissions``."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from tickets.permissions import MANAGERS_GROUP, managers_group_sync

pytestmark = pytest.mark.django_db

# What the two data migrations granted before the group moved to a post_migrate receiver,
# with Bitrix's method pauses now the delivery queue's (jobs and pauses of every channel).
GRANTED = {
    ("tickets", "view_ticket"), ("tickets", "change_ticket"), ("tickets", "view_message"),
    ("tickets", "view_client"), ("tickets", "change_client"), ("tickets", "view_department"),
    ("tickets", "view_tag"), ("tickets", "view_statuschange"), ("tickets", "view_onetimecode"),
    # SLA: managers read the breaches, targets and calendar; admins edit the settings.
    ("tickets", "view_slabreach"), ("tickets", "view_slatarget"),
    ("tickets", "view_workschedule"), ("tickets", "view_calendarday"),
    # Saved replies are the managers' own: they add and edit them (and switch them off).
    ("tickets", "view_replytemplate"), ("tickets", "add_replytemplate"),
    ("tickets", "change_replytemplate"),
    ("bitrix_integration", "view_outboxjob"), ("bitrix_integration", "change_outboxjob"),
    ("bitrix_integration", "view_inboundevent"),
    ("delivery", "view_job"), ("delivery", "change_job"), ("delivery", "view_pause"),
    ("notifications", "view_notification"), ("notifications", "view_telegramchat"),
}


def _granted():
    group = Group.objects.get(name=MANAGERS_GROUP)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_after_migrate_the_group_has_exactly_what_the_apps_grant():
    assert _granted() == GRANTED


def test_running_the_receiver_twice_changes_nothing():
    managers_group_sync()
    first = (_granted(), list(Group.objects.values_list("pk", "name")))
    managers_group_sync()

    assert (_granted(), list(Group.objects.values_list("pk", "name"))) == first
    assert first[0] == GRANTED


def test_migrate_takes_back_a_permission_no_app_grants():
    group = Group.objects.get(name=MANAGERS_GROUP)
    group.permissions.add(Permission.objects.get(codename="delete_ticket"))

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert _granted() == GRANTED


def test_migrate_makes_the_group_again_when_it_is_gone():
    Group.objects.filter(name=MANAGERS_GROUP).delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert _granted() == GRANTED


def test_a_permission_not_created_yet_is_skipped_and_granted_on_its_apps_turn():
    Permission.objects.filter(content_type__app_label="bitrix_integration").delete()

    managers_group_sync()
    assert _granted() == {pair for pair in GRANTED if pair[0] != "bitrix_integration"}

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert _granted() == GRANTED


def test_managers_group_has_no_rights_over_users_groups_or_sessions():
    group = Group.objects.get(name=MANAGERS_GROUP)

    apps = set(group.permissions.values_list("content_type__app_label", flat=True))

    assert not apps & {"auth", "admin", "contenttypes", "sessions"}


def test_managers_group_cannot_delete_anything_or_add_tickets():
    group = Group.objects.get(name=MANAGERS_GROUP)

    codenames = set(group.permissions.values_list("codename", flat=True))

    assert not {name for name in codenames if name.startswith("delete_")}
    assert not {"add_ticket", "add_client", "change_statuschange",
                "change_onetimecode"} & codenames
