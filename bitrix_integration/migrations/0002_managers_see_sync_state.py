"""Once: managers see the Bitrix sync state. Now ``manager_permissions`` in
``BitrixIntegrationConfig``, applied after migrate by tickets.permissions.

Kept, empty, so the migration history stays valid.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bitrix_integration", "0001_initial"),
        ("tickets", "0002_managers_group"),
    ]

    operations = []
