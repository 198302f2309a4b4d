from datetime import date, datetime, timedelta, timezone

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


@pytest.mark.parametrize("status", ["confirmed", "checked_in"])
def test_letters_go_to_participants_and_visa_letters_to_those_who_asked(status):
    domain.check_letter("confirmation", status=status, visa_letter_requested=False)
    domain.check_letter("visa", status=status, visa_letter_requested=True)
    with pytest.raises(Conflict, match="did not ask"):
        domain.check_letter("visa", status=status, visa_letter_requested=False)


@pytest.mark.parametrize("status", ["nominated", "rejected", "withdrawn"])
def test_no_letter_before_confirmation_or_after_leaving(status):
    with pytest.raises(Conflict, match=f"this one is {status}"):
        domain.check_letter("confirmation", status=status, visa_letter_requested=True)


def test_credentials_come_from_parties_still_expected():
    domain.check_credentials_holder(category="party", status="nominated")
    with pytest.raises(Conflict, match="registered as igo"):
        domain.check_credentials_holder(category="igo", status="confirmed")
    with pytest.raises(Conflict, match="withdrawn"):
        domain.check_credentials_holder(category="party", status="withdrawn")


def test_a_decision_is_final():
    domain.check_undecided("side event", "requested", "requested")
    with pytest.raises(Conflict, match="already declined"):
        domain.check_undecided("side event", "declined", "requested")


def test_organisations_and_rooms_match_whatever_their_case_and_spacing():
    assert domain.organisation_key(" Zero  Mercury Working GROUP") == \
        domain.organisation_key("zero mercury working group")
    assert domain.room_key("Room  XII ") == domain.room_key("room xii")


GENEVA = timezone(timedelta(hours=1))


def at(day, hour, minute=0):
    return datetime(2018, 11, day, hour, minute, tzinfo=GENEVA)


def test_a_side_event_slot_lies_within_the_meeting_days_as_the_venue_counts_them():
    meeting = {"meeting_starts_on": date(2018, 11, 19), "meeting_ends_on": date(2018, 11, 23)}
    domain.check_slot(at(19, 0, 30), at(19, 2), **meeting)  # 23:30 UTC the day before
    domain.check_slot(at(23, 18), at(23, 19), **meeting)
    with pytest.raises(Invalid) as refused:
        domain.check_slot(at(18, 13), at(24, 14), **meeting)
    assert set(refused.value.fields) == {"starts_at", "ends_at"}
    with pytest.raises(Invalid) as refused:
        domain.check_slot(at(20, 14), at(20, 14), **meeting)
    assert refused.value.fields == {"ends_at": ["Must be after the start."]}


def test_slots_overlap_when_they_share_a_moment():
    assert domain.overlaps(at(20, 13), at(20, 15), at(20, 14), at(20, 16))
    assert domain.overlaps(at(20, 13), at(20, 16), at(20, 14), at(20, 15))
    assert not domain.overlaps(at(20, 13), at(20, 14), at(20, 14), at(20, 15))


@pytest.mark.parametrize("statuses, standing", [
    ({"deficient", "accepted"}, "accepted"), ({"deficient", "submitted"}, "submitted"),
    ({"deficient", None}, "deficient"), ({None}, "none"), (set(), "none"),
])
def test_a_countrys_credentials_standing(statuses, standing):
    assert domain.credentials_standing(statuses) == standing


def test_states_are_listed_by_un_short_name_and_names_regardless_of_case():
    # UN short names decide the order: Republic of Moldova after Peru, not at "M".
    assert domain.countries_in_list_order({
        "PER": "Peru", "MDA": "Republic of Moldova", "NGA": "Nigeria",
        "VAT": "Holy See"}) == ["VAT", "NGA", "PER", "MDA"]
    assert sorted(["Zapata", "abad", "Élan", "élan"], key=domain.list_key) == [
        "abad", "Zapata", "Élan", "élan"]
