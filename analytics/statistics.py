from django.db import connections


def analyze_sqlite(*, using, **kwargs):
    """SQLite's planner chooses among indexes by the statistics ``ANALYZE`` stores in
    sqlite_stat1; without them it guesses, and on 100k tickets it would count a
    department's resolved tickets of each day through the whole department (seconds).
    Every deploy runs ``migrate``, so the statistics follow the data's shape
    (PostgreSQL keeps its own, autovacuum)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
