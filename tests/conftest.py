"""Shared fixtures. eventlet must be patched before anything imports socket or threading,
or nameko containers hang under pytest."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402

import pytest  # noqa: E402

from tests.databases import (  # noqa: E402
    PostgresqlDatabases, PostgresqlUnavailable, SqliteDatabases,
)
from tests.support import ServiceHarness, TestTokens  # noqa: E402
from tests.vhosts import BrokerSetupError, VhostPool  # noqa: E402

AMQP_URI = os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")


@pytest.fixture(scope="session")
def vhost_pool():
    try:
        pool = VhostPool(AMQP_URI)
        pool.drop_leftovers()
    except BrokerSetupError as exc:
        pytest.exit(str(exc), returncode=3)
    yield pool
    pool.close()


@pytest.fixture
def rabbit_config(vhost_pool):
    """This test's own vhost (replaces nameko's fixture, which needs the management API)."""
    amqp_uri, vhost = vhost_pool.take()
    yield {"AMQP_URI": amqp_uri, "vhost": vhost}
    vhost_pool.give_back(vhost)


@pytest.fixture(scope="session")
def tokens(tmp_path_factory):
    """A tokens file with one known token per organisation."""
    return TestTokens(tmp_path_factory.mktemp("tokens"))


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory):
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgresql_server():
    databases = PostgresqlDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture
def postgresql(postgresql_server):
    """`postgresql("travel")`: the URL of a fresh, migrated travel database on the local
    PostgreSQL server; the test is skipped, saying why, where no server answers."""
    def fresh(service):
        try:
            return postgresql_server.fresh(service)
        except PostgresqlUnavailable as exc:
            pytest.skip(str(exc))
    return fresh


@pytest.fixture
def database_kind():
    """The database services run on; the integration tests run on both (their conftest)."""
    return "sqlite"


@pytest.fixture
def services(container_factory, rabbit_config, tokens, sqlite_databases, postgresql,
             database_kind, tmp_path):
    """Start services in this test's own vhost: `services.start("registration")`."""
    databases = {}

    def database_for(service):
        if service not in databases:
            databases[service] = (postgresql(service) if database_kind == "postgresql"
                                  else sqlite_databases.copy(service, tmp_path))
        return databases[service]

    return ServiceHarness(container_factory, rabbit_config, tokens, database_for)
