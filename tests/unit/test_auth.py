import hashlib

import pytest
import yaml

from coord.auth import TokenRegistry, digest, require, write_development_tokens
from coord.errors import Forbidden, Invalid, Unauthenticated


def test_tokens_are_matched_by_their_sha256_digest():
    registry = TokenRegistry({"brs": [hashlib.sha256(b"s3cret").hexdigest()]})
    assert registry.organisation_for("Bearer s3cret") == "brs"
    assert registry.organisation_for("bearer   s3cret ") == "brs"


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic s3cret", "Bearer other"])
def test_missing_or_unknown_tokens_are_refused(header):
    registry = TokenRegistry({"brs": [digest("s3cret")]})
    with pytest.raises(Unauthenticated):
        registry.organisation_for(header)


def test_a_tokens_file_naming_an_unknown_organisation_is_refused():
    with pytest.raises(Invalid):
        TokenRegistry({"acme": [digest("x")]})


def test_the_organiser_may_do_everything_others_only_what_they_are_allowed():
    assert require("mc", "brs") == "mc"
    assert require("brs", "brs", "chb") == "brs"
    with pytest.raises(Forbidden, match="Only mc, chb may pay DSA"):
        require("brs", "chb", action="pay DSA")


def test_development_tokens_keep_plain_tokens_apart_from_digests(tmp_path):
    digests_path, plain_path = write_development_tokens(tmp_path)
    plain = yaml.safe_load(open(plain_path))
    registry = TokenRegistry.from_file(digests_path)
    assert registry.organisation_for(f"Bearer {plain['chb']}") == "chb"
    assert plain["chb"] not in open(digests_path).read()
    assert (tmp_path / "tokens.plain.yaml").stat().st_mode & 0o077 == 0


def test_a_log_line_never_carries_a_token_or_a_ticket():
    from coord.logs import redact

    line = ('GET /feed.atom?owner=mc&access_token=s3cret-1 401; '
            '/feed/stream?ticket=Abc_12-x; Authorization: Bearer s3cret-2, token=s3cret-3')
    redacted = redact(line)
    assert not any(secret in redacted for secret in ("s3cret", "Abc_12-x"))
    assert "owner=mc&access_token=[redacted]" in redacted
    assert "Bearer [redacted]" in redacted


def test_groups_of_organisations_may_be_allowed_by_their_kind():
    from coord.auth import PARTY_FOCAL_POINTS, require_kind

    assert require_kind("party-ZMB", "party", (PARTY_FOCAL_POINTS,)) == "party-ZMB"
    assert require_kind("mc", "partner", ()) == "mc"
    with pytest.raises(Forbidden, match="Only mc, Parties' focal points may nominate"):
        require_kind("green-mekong", "observer", (PARTY_FOCAL_POINTS,), action="nominate")
