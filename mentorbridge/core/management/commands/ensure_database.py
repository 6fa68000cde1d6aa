"""`python manage.py ensure_database`: create the PostgreSQL database DATABASE_URL names, if missing.

`make serve` runs it first, so the production shape starts on a fresh machine; on SQLite (created on
first use) and on an existing database it does nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it does not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            return
        import psycopg
        from psycopg import sql

        settings = connection.settings_dict
        name = settings["NAME"]
        params = {
            "dbname": "postgres",
            "user": settings["USER"],
            "password": settings["PASSWORD"],
            "host": settings["HOST"],
            "port": settings["PORT"] or 5432,
        }
        with psycopg.connect(**params, autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(f"Created database {name}.")
