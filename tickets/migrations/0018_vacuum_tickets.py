"""0017 rewrote every ticket row. Until PostgreSQL vacuums the old versions, the queue
reads two to three times the heap (at a million tickets its slowest filters went from
~100 to 330–575 ms, bench/README.md). Vacuum now rather than wait for autovacuum.

Not atomic: VACUUM cannot run in a transaction. It takes no lock that stops reads or
writes, and a failure here leaves nothing half-done (0017 is complete without it).
"""

from django.db import migrations


def vacuum_tickets(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite keeps no old row versions to clean
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_ticket")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0017_ticket_preview_has_files"),
    ]

    operations = [
        migrations.RunPython(vacuum_tickets, migrations.RunPython.noop, elidable=True),
    ]
