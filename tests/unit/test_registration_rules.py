from datetime import date

import pytest

from coord.errors import Conflict, Invalid
from services.registration import domain


@pytest.mark.parametrize("current, action, expected", [
    ("nominated", "confirm", "confirmed"), ("nominated", "reject", "rejected"),
    ("nominated", "withdraw", "withdrawn"), ("confirmed", "check-in", "checked_in"),
    ("confirmed", "withdraw", "withdrawn"),
])
def test_allowed_moves(current, action, expected):
    assert domain.next_status(current, action) == expected


def test_an_illegal_move_names_the_allowed_ones():
    with pytest.raises(Conflict, match="allowed: check-in, withdraw"):
        domain.next_status("confirmed", "reject")
    with pytest.raises(Conflict, match="none"):
        domain.next_status("withdrawn", "confirm")


def test_a_meeting_cannot_end_before_it_starts():
    domain.check_meeting_dates(date(2018, 11, 19), date(2018, 11, 19))
    with pytest.raises(Invalid):
        domain.check_meeting_dates(date(2018, 11, 19), date(2018, 11, 18))


def test_funding_needs_an_eligible_country_and_one_per_country():
    domain.check_funding(country_name="Peru", eligible=True, funded_from_country=False)
    with pytest.raises(Conflict, match="not eligible"):
        domain.check_funding(country_name="France", eligible=False, funded_from_country=False)
    with pytest.raises(Conflict, match="already has a funded participant"):
        domain.check_funding(country_name="Peru", eligible=True, funded_from_country=True)
