"""Shared fixtures. eventlet must be patched before anything imports socket or threading,
or nameko containers hang under pytest."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402

from tests.support import ServiceHarness, TestTokens, migrated_template  # noqa: E402
from tests.vhosts import BrokerSetupError, VhostPool  # noqa: E402

AMQP_URI = os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")


@pytest.fixture(scope="session")
def vhost_pool():
    try:
        pool = VhostPool(AMQP_URI)
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
def database_templates(tmp_path_factory):
    """Each service's database migrated once per session; tests get copies."""
    directory = tmp_path_factory.mktemp("templates")
    return lambda service: migrated_template(directory, service)


@pytest.fixture
def services(container_factory, rabbit_config, tokens, database_templates, tmp_path):
    """Start services in this test's own vhost: `services.start("registration")`."""
    def database_for(service):
        path = tmp_path / f"{service}.db"
        if not path.exists():
            shutil.copy(database_templates(service), path)
        return f"sqlite:///{path}"

    return ServiceHarness(container_factory, rabbit_config, tokens, database_for)
