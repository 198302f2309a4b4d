"""COP-2 across all five services, through HTTP and the real broker: registration confirms
funded participants, travel routes their cases by support's agreements, partners ticket
and pay, and the support ledger shows what is owed to whom; the feed tells staff."""
from decimal import Decimal

from tests.support import nominate, schedule_meeting, wait_for

USD = "USD"


def money(amount):
    return {"amount": amount, "currency": USD}


def agree(support, meeting_id, provider, category, basis, regions):
    def recorded():
        response = support.client.post("/agreements", json={
            "meeting_id": meeting_id, "provider": provider, "category": category,
            "basis": basis, "regions": regions})
        if response.status_code == 400 and response.json()["error"]["code"] == "unknown_meeting":
            return None  # meeting_scheduled has not reached support yet
        assert response.status_code == 201, response.text
        return response.json()

    return wait_for(recorded, message="support to know the meeting")


def cases_by_country(travel, meeting_id, expected):
    def fetched():
        items = travel.client.get("/travel-cases", params={"meeting_id": meeting_id}).json()
        cases = {case["country"]: case for case in items["items"]}
        owners = {country: (case["travel_owner"], case["dsa_owner"])
                  for country, case in cases.items()}
        return owners == expected and cases

    return wait_for(fetched, message=f"travel cases routed as {expected}")


def test_cop2_funded_participants_are_routed_paid_and_owed_across_services(services):
    registration, travel, support, notifications = (
        services.start(name) for name in ("registration", "travel", "support", "notifications"))
    meeting = schedule_meeting(registration)
    brs_regions = ["africa", "asia-pacific", "grulac"]
    agree(support, meeting["id"], "brs", "travel", "reimbursement", brs_regions)
    agree(support, meeting["id"], "brs", "dsa_payment", "reimbursement", ["grulac"])
    agree(support, meeting["id"], "chb", "dsa_payment", "reciprocity",
          ["africa", "asia-pacific", "eastern-europe", "weog"])
    rate = travel.client.put("/dsa-rates/Geneva", json={
        "daily": money("400.00"), "valid_from": "2018-01-01"})
    assert rate.status_code == 200, rate.text

    for number, country in enumerate(("PER", "KEN", "MDA")):
        nominee = nominate(registration, meeting["id"], number, country=country)
        confirmed = registration.client.post(f"/registrations/{nominee['id']}/confirm",
                                             json={"funded": True})
        assert confirmed.status_code == 200, confirmed.text

    # Agreements may land before or after the confirmations: routing converges either way.
    cases = cases_by_country(travel, meeting["id"], {
        "PER": ("brs", "brs"), "KEN": ("brs", "chb"), "MDA": ("mc", "chb")})
    entitlement = cases["PER"]["entitlement"]
    assert entitlement == money("2400.00")  # 400 a day x (5 meeting days + 1 travel day)

    fares = {"PER": "1812.40", "KEN": "1045.10"}
    for country, fare in fares.items():
        ticket = travel.client.post(f"/travel-cases/{cases[country]['id']}/ticket", as_="brs",
                                    json={"carrier": "LX", "ticket_number": f"724-{country}",
                                          "fare": money(fare), "outbound_on": "2018-11-17",
                                          "return_on": "2018-11-24"})
        assert ticket.status_code == 201, ticket.text
    refused = travel.client.post(f"/travel-cases/{cases['KEN']['id']}/dsa-payment", as_="brs",
                                 json={"amount": entitlement, "paid_on": "2018-11-19"})
    assert refused.status_code == 403  # Kenya's DSA is chb's to pay
    for country, payer in (("PER", "brs"), ("KEN", "chb")):
        paid = travel.client.post(f"/travel-cases/{cases[country]['id']}/dsa-payment",
                                  as_=payer, json={"amount": entitlement, "paid_on": "2018-11-19"})
        assert paid.status_code == 201, paid.text

    def ledger_lines():
        ledger = support.client.get("/ledger", params={"meeting_id": meeting["id"]}).json()
        lines = {(line["provider"], line["basis"]): line for line in ledger["lines"]}
        travel_counts = sum(line["travel"]["tickets"] + line["travel"]["dsa_payments"]
                            for line in lines.values())
        return travel_counts == 4 and lines

    lines = wait_for(ledger_lines, message="two tickets and two DSA payments in the ledger")
    brs = {a["currency"]: a for a in lines[("brs", "reimbursement")]["amounts"]}[USD]
    owed_to_brs = Decimal(fares["PER"]) + Decimal(fares["KEN"]) + Decimal("2400.00")
    assert Decimal(brs["owed"]) == owed_to_brs
    assert Decimal(brs["outstanding"]) == owed_to_brs
    chb = {a["currency"]: a for a in lines[("chb", "reciprocity")]["amounts"]}[USD]
    assert Decimal(chb["dsa"]) == Decimal("2400.00") and Decimal(chb["owed"]) == 0

    def ticket_entries():
        feed = notifications.client.get("/feed", params={
            "type": "ticket_issued", "meeting_id": meeting["id"]}).json()["items"]
        return len(feed) == 2 and feed

    summaries = [entry["summary"] for entry in wait_for(ticket_entries, message="tickets")]
    assert any("Peru" in summary and "BRS" in summary for summary in summaries)
