"""Where the client finds the services and its token: environment over config file."""
import pytest
import yaml

from coord_client import CoordClientError
from coord_client.config import base_urls, environment, token


def test_the_environment_overrides_the_config_file(tmp_path):
    path = tmp_path / "coord.yaml"
    path.write_text(yaml.safe_dump({"host": "coord.example.org", "token": "from-file",
                                    "ports": {"travel": 9102},
                                    "urls": {"notifications": "https://n.example.org/"}}))
    settings = environment({"COORD_CONFIG": str(path), "SUPPORT_PORT": "9105"})
    urls = base_urls(settings)
    assert urls["travel"] == "http://coord.example.org:9102"
    assert urls["support"] == "http://coord.example.org:9105"
    assert urls["registration"] == "http://coord.example.org:8001"
    assert urls["notifications"] == "https://n.example.org"
    assert token(settings) == "from-file"
    assert token(environment({"COORD_CONFIG": str(path), "COORD_TOKEN": "env"})) == "env"


def test_without_a_token_the_development_file_names_each_organisation(tmp_path):
    plain = tmp_path / "tokens.plain.yaml"
    plain.write_text(yaml.safe_dump({"mc": "t-mc", "brs": "t-brs"}))
    settings = {"COORD_TOKENS_PLAIN": str(plain)}
    assert token(settings) == "t-mc"
    assert token(settings, "brs") == "t-brs"
    with pytest.raises(CoordClientError, match="no token for 'law'"):
        token(settings, "law")
    with pytest.raises(CoordClientError, match="COORD_TOKEN"):
        token({"COORD_TOKENS_PLAIN": str(tmp_path / "missing.yaml")})
    with pytest.raises(CoordClientError, match="does not exist"):
        environment({"COORD_CONFIG": str(tmp_path / "nope.yaml")})
