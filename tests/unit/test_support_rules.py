"""Support's rules: agreements, the life of a request, who acts next, travel bases."""
from types import SimpleNamespace

import pytest

from coord.errors import Conflict, Invalid
from services.support import domain


def agreement(provider, category, basis="reciprocity", regions=None):
    return SimpleNamespace(provider=provider, category=category, basis=basis, regions=regions)


@pytest.mark.parametrize("current, action, expected", [
    ("requested", "accept", "accepted"), ("requested", "decline", "declined"),
    ("accepted", "deliver", "delivered"), ("delivered", "invoice", "invoiced"),
    ("invoiced", "settle", "settled"),
])
def test_a_reimbursement_request_walks_to_settled(current, action, expected):
    assert domain.next_status(current, action, basis="reimbursement") == expected


def test_illegal_moves_name_the_allowed_ones():
    with pytest.raises(Conflict, match="allowed: deliver"):
        domain.next_status("accepted", "settle", basis="reimbursement")
    with pytest.raises(Conflict, match="none"):
        domain.next_status("settled", "settle", basis="reimbursement")
    with pytest.raises(Conflict, match="allowed: accept, decline"):
        domain.next_status("requested", "deliver", basis="reciprocity")


@pytest.mark.parametrize("basis", ["reciprocity", "own"])
def test_only_reimbursement_items_are_invoiced(basis):
    with pytest.raises(Conflict) as refused:
        domain.next_status("delivered", "invoice", basis=basis)
    assert refused.value.code == "not_reimbursable"


@pytest.mark.parametrize("status, basis, owner", [
    ("requested", "reciprocity", "brs"), ("accepted", "reciprocity", "brs"),
    ("declined", "reimbursement", None), ("delivered", "reimbursement", "brs"),
    ("delivered", "reciprocity", None), ("invoiced", "reimbursement", "mc"),
    ("settled", "reimbursement", None),
])
def test_each_step_names_who_acts_next(status, basis, owner):
    assert domain.next_owner(status, provider="brs", basis=basis) == owner


def test_the_provider_acts_on_its_requests_and_the_organiser_settles():
    assert [domain.who_acts(a, "brs") for a in ("accept", "decline", "deliver", "invoice")] == \
        ["brs"] * 4
    assert domain.who_acts("settle", "brs") == "mc"


def test_stages_reached_walk_back_to_requested():
    assert domain.stages_reached("settled") == [
        "settled", "invoiced", "delivered", "accepted", "requested"]
    assert domain.stages_reached("declined") == ["declined", "requested"]


def test_own_basis_is_the_organisers_alone():
    domain.check_parties("mc", "own")
    domain.check_parties("brs", "reimbursement")
    for provider, basis in (("brs", "own"), ("mc", "reciprocity")):
        with pytest.raises(Invalid) as refused:
            domain.check_parties(provider, basis)
        assert "basis" in refused.value.fields


@pytest.mark.parametrize("regions", [[], ["africa", "africa"]])
def test_regions_are_listed_once_or_left_out(regions):
    domain.check_regions(None)
    with pytest.raises(Invalid):
        domain.check_regions(regions)


def test_routed_categories_have_one_owner_per_region_across_providers():
    existing = [agreement("brs", "travel", "reimbursement", ["africa", "grulac"])]
    domain.check_no_overlap(existing, provider="rc-jakarta", category="travel",
                            regions=["asia-pacific"])
    domain.check_no_overlap(existing, provider="brs", category="dsa_payment", regions=None)
    for provider, regions in (("mc", None), ("rc-pretoria", ["africa"]), ("brs", ["grulac"])):
        with pytest.raises(Conflict, match="brs already has a travel agreement"):
            domain.check_no_overlap(existing, provider=provider, category="travel",
                                    regions=regions)


def test_shared_categories_allow_several_providers_but_one_basis_each():
    existing = [agreement("chb", "onsite_registration")]
    domain.check_no_overlap(existing, provider="brs", category="onsite_registration",
                            regions=None)
    with pytest.raises(Conflict) as refused:
        domain.check_no_overlap(existing, provider="chb", category="onsite_registration",
                                regions=["weog"])
    assert refused.value.code == "overlapping_agreement"


def test_a_request_uses_the_providers_one_matching_agreement():
    it_loan = agreement("brs", "it_equipment", "reimbursement")
    assert domain.choose_agreement([it_loan], provider="brs", category="it_equipment",
                                   region=None) is it_loan
    with pytest.raises(Conflict) as refused:
        domain.choose_agreement([it_loan], provider="chb", category="it_equipment", region=None)
    assert refused.value.code == "no_agreement"


def test_a_request_names_its_region_when_the_providers_agreements_differ_by_region():
    africa = agreement("brs", "logistics", "reimbursement", ["africa"])
    grulac = agreement("brs", "logistics", "reciprocity", ["grulac"])
    assert domain.choose_agreement([africa, grulac], provider="brs", category="logistics",
                                   region="grulac") is grulac
    with pytest.raises(Conflict) as refused:
        domain.choose_agreement([africa, grulac], provider="brs", category="logistics",
                                region=None)
    assert refused.value.code == "ambiguous_agreement"
    with pytest.raises(Conflict, match="no logistics agreement in weog"):
        domain.choose_agreement([africa, grulac], provider="brs", category="logistics",
                                region="weog")


def test_our_agreement_decides_the_basis_of_travel_work():
    ours = agreement("brs", "travel", "reimbursement")
    assert domain.travel_basis(ours, actor="brs", event_owner="brs",
                               event_basis="reciprocity") == "reimbursement"
    # no agreement of ours: the travel service's word, if it is about the same organisation
    assert domain.travel_basis(None, actor="brs", event_owner="brs",
                               event_basis="reimbursement") == "reimbursement"
    # mc issued the ticket on brs's case: mc's own work, nothing owed to brs or mc
    assert domain.travel_basis(None, actor="mc", event_owner="brs",
                               event_basis="reimbursement") == "own"
    assert domain.travel_basis(None, actor="brs", event_owner="brs", event_basis=None) == "own"


def test_an_agreement_waits_on_its_provider_until_answered_once():
    assert domain.initial_agreement_status("own") == domain.ACKNOWLEDGED
    assert domain.agreement_waiting(domain.RECORDED, "brs").owner == "brs"
    assert domain.agreement_waiting(domain.ACKNOWLEDGED, "brs") is None
    assert domain.next_agreement_status(domain.RECORDED, "decline") == domain.AGREEMENT_DECLINED
    with pytest.raises(Conflict):
        domain.next_agreement_status(domain.AGREEMENT_DECLINED, "acknowledge")


def test_a_request_waits_for_the_step_that_moves_it_on():
    def wait(status, basis="reimbursement"):
        found = domain.request_waiting(status, provider="brs", basis=basis)
        return found and (found.owner, found.action)

    assert wait("requested") == ("brs", "accept or decline the request")
    assert wait("delivered") == ("brs", "invoice it")
    assert wait("delivered", basis="reciprocity") is None
    assert wait("invoiced") == ("mc", "settle the invoice")
    assert wait("settled") is None
