"""Test databases: each service's schema migrated once per session, then copied per test,
on SQLite (a file copy) and on PostgreSQL (`CREATE DATABASE ... TEMPLATE`)."""
import os
import shutil
import uuid

import psycopg2

from coord import migrations

POSTGRESQL = os.environ.get("TEST_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432")


class SqliteDatabases:
    def __init__(self, directory):
        self._templates = directory / "templates"
        self._templates.mkdir()

    def copy(self, service, directory):
        """A fresh database of `service` in `directory` (the same one on a second call)."""
        template = self._templates / f"{service}.db"
        if not template.exists():
            migrations.upgrade(service, f"sqlite:///{template}")
        path = directory / f"{service}.db"
        if not path.exists():
            shutil.copy(template, path)
        return f"sqlite:///{path}"


class PostgresqlUnavailable(Exception):
    pass


class PostgresqlDatabases:
    """Databases on the local PostgreSQL server, all dropped when the session ends (not at
    a test's end: services stopped after it would lose their connections first)."""

    def __init__(self):
        self._prefix = f"coord_test_{uuid.uuid4().hex[:8]}"
        self._templates = {}
        self._created = []
        self._admin = None

    def _connection(self):
        if self._admin is None:
            try:
                self._admin = psycopg2.connect(f"{POSTGRESQL}/postgres", connect_timeout=3)
            except psycopg2.OperationalError as exc:
                raise PostgresqlUnavailable(
                    f"no PostgreSQL server answers at {POSTGRESQL} "
                    f"(set TEST_POSTGRESQL_URL): {str(exc).strip()}") from exc
            self._admin.autocommit = True
        return self._admin

    def _create(self, name, template=None):
        with self._connection().cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"'
                           + (f' TEMPLATE "{template}"' if template else ""))
        self._created.append(name)
        return f"{POSTGRESQL}/{name}"

    def fresh(self, service):
        """A new, migrated database of `service`; its URL."""
        if service not in self._templates:
            name = f"{self._prefix}_template_{service}"
            migrations.upgrade(service, self._create(name))
            self._templates[service] = name
        return self._create(f"{self._prefix}_{uuid.uuid4().hex[:8]}_{service}",
                            template=self._templates[service])

    def drop_all(self):
        if self._admin is None:
            return
        with self._admin.cursor() as cursor:
            for name in reversed(self._created):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.close()
