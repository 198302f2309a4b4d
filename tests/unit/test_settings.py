"""Configuration checked at start: each malformed value is refused with a message that
starts with the variable's name (what an operator greps the log for)."""
import pytest

from coord import settings


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in ("AMQP_URI", "COORD_ENV", "COORD_TOKENS_FILE", "COORD_ROLE", "OUTBOX_RELAY",
                 "COORD_MAX_WORKERS", "EVENT_RETRY_DELAYS", "TRAVEL_PORT",
                 "TRAVEL_DATABASE_URL", "COORD_MIGRATE", "EVENT_MAX_BYTES",
                 "OUTBOX_RETENTION", "INBOX_RETENTION", "RETENTION_INTERVAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COORD_VAR_DIR", str(tmp_path))
    return monkeypatch


@pytest.mark.parametrize("variable, value", [
    ("TRAVEL_PORT", "eighty"),
    ("TRAVEL_PORT", "70000"),
    ("AMQP_URI", "http://localhost:5672/"),
    ("AMQP_URI", "amqp://guest:guest@localhost:port/"),
    ("AMQP_URI", "amqp://guest:guest@node1:5672/;http://node2:5672/"),
    ("TRAVEL_DATABASE_URL", "mysql://db/travel"),
    ("TRAVEL_DATABASE_URL", "not a url"),
    ("COORD_MAX_WORKERS", "0"),
    ("EVENT_RETRY_DELAYS", "1,soon"),
    ("EVENT_MAX_BYTES", "10"),
    ("OUTBOX_RETENTION", "a week"),
    ("INBOX_RETENTION", "-3d"),
    ("RETENTION_INTERVAL", "1w"),
    ("OUTBOX_RELAY", "maybe"),
    ("COORD_ROLE", "cook"),
    ("COORD_TOKENS_FILE", "/nonexistent/tokens.yaml"),
])
def test_a_malformed_variable_is_named(clean_environment, variable, value):
    clean_environment.setenv(variable, value)
    with pytest.raises(settings.ConfigurationError) as refused:
        settings.nameko_config("travel")
    assert str(refused.value).startswith(variable)


def test_a_password_never_reaches_the_message(clean_environment):
    clean_environment.setenv("TRAVEL_DATABASE_URL", "mysql://app:s3cret@db/travel")
    with pytest.raises(settings.ConfigurationError) as refused:
        settings.nameko_config("travel")
    assert "s3cret" not in str(refused.value) and "app:***@db" in str(refused.value)


def test_defaults_and_roles(clean_environment):
    config = settings.nameko_config("travel")
    assert config["WEB_SERVER_ADDRESS"].endswith(":8002")
    assert config["OUTBOX_RELAY"] == "on" and config["COORD_ROLE"] == "all"
    clean_environment.setenv("COORD_ROLE", "worker")
    assert settings.nameko_config("travel")["OUTBOX_RELAY"] == "off"  # apis relay
    clean_environment.setenv("COORD_MIGRATE", "1")
    assert settings.migrate_at_start() is True


def test_retention_durations(clean_environment):
    config = settings.nameko_config("travel")
    assert (config["OUTBOX_RETENTION"], config["INBOX_RETENTION"]) == (7 * 86400, 30 * 86400)
    clean_environment.setenv("OUTBOX_RETENTION", "12h")
    clean_environment.setenv("RETENTION_INTERVAL", "90")
    config = settings.nameko_config("travel")
    assert (config["OUTBOX_RETENTION"], config["RETENTION_INTERVAL"]) == (43200, 90)


def test_a_cluster_is_several_broker_addresses(clean_environment):
    nodes = "amqp://u:p@node1:5672/;amqp://u:p@node2:5672/;amqp://u:p@node3:5672/"
    clean_environment.setenv("AMQP_URI", nodes)
    assert settings.nameko_config("travel")["AMQP_URI"] == nodes
    assert settings.without_password(nodes) == nodes.replace(":p@", ":***@")
