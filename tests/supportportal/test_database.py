"""PostgreSQL prepares the queries a connection runs again and again (DB_PREPARED_STATEMENTS)."""

import pytest
from django.db import connection

from tickets.models import Ticket

from .test_settings import run_manage

PRINT_OPTIONS = ("from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
                 "print(o.get('server_side_binding'), o.get('prepare_threshold'))")


@pytest.mark.parametrize("given, expected", [("", ["True", "5"]), ("False", ["None", "None"])])
def test_prepared_statements_are_on_unless_turned_off(given, expected):
    result = run_manage("shell", "-v0", "-c", PRINT_OPTIONS, DEBUG="True",
                        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
                        DB_PREPARED_STATEMENTS=given)

    assert result.stdout.split()[-2:] == expected, result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares; SQLite not")
@pytest.mark.django_db
def test_a_query_run_again_and_again_is_prepared_on_the_server():
    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                           "WHERE statement LIKE '%%\"tickets_ticket\".\"title\"%%'")
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(6):  # psycopg prepares a query on its fifth run (prepare_threshold)
        list(Ticket.objects.filter(title="не та").only("title"))

    assert prepared() == before + 1
