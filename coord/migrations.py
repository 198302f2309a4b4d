"""Alembic, one migration history per service (`services/<name>/migrations`).

    python -m coord.migrations upgrade registration
    python -m coord.migrations revision registration "add credentials"   # autogenerate
"""
import argparse
import os
import sys
from importlib import resources

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from coord import settings


def alembic_config(service, url=None):
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files(f"services.{service}").joinpath("migrations")))
    config.set_main_option("sqlalchemy.url", (url or settings.database_url(service)).replace("%", "%%"))
    return config


def upgrade(service, url=None):
    command.upgrade(alembic_config(service, url), "head")


def revisions(service, url=None):
    """(the revision the database is at, None when empty; the revision this release needs)."""
    config = alembic_config(service, url)
    head = ScriptDirectory.from_config(config).get_current_head()
    engine = create_engine(url or settings.database_url(service), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    return current, head


def run_migrations(metadata):
    """Body of every service's `migrations/env.py`."""
    url = context.config.get_main_option("sqlalchemy.url")
    options = {"target_metadata": metadata, "render_as_batch": url.startswith("sqlite")}
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coord.migrations")
    parser.add_argument("action", choices=("upgrade", "revision"))
    parser.add_argument("service", choices=settings.SERVICES + ("all",))
    parser.add_argument("message", nargs="?")
    args = parser.parse_args(argv)
    services = settings.SERVICES if args.service == "all" else (args.service,)
    for service in services:
        if args.action == "upgrade":
            os.makedirs(settings.var_dir(), exist_ok=True)
            upgrade(service)
            print(f"{service}: database at head")
        else:
            command.revision(alembic_config(service), message=args.message, autogenerate=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
