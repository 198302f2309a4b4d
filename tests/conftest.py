"""Shared fixtures. eventlet must be patched before anything imports socket or threading,
or nameko containers hang under pytest."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import shutil  # noqa: E402

import pytest  # noqa: E402

from tests.support import ServiceHarness, TestTokens, migrated_template  # noqa: E402


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
