"""Once the «Менеджеры» group; now made after migrate by tickets.permissions.

Kept, empty, so the migration history stays valid.
"""

from django.db import migrations

from tickets.apps import TicketsConfig
from tickets.permissions import MANAGERS_GROUP

# Transitional: tests/browser/test_manager_flow.py still reads these two names from
# here. Delete them once it uses tickets.permissions.
GROUP = MANAGERS_GROUP
PERMISSIONS = [("tickets", codename) for codename in TicketsConfig.manager_permissions]


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
