"""Files the service hands out besides JSON: the list of participants as CSV."""
import csv
import io

PARTICIPANT_COLUMNS = ("category", "country", "country_name", "family_name", "given_name",
                       "organisation", "status")


def participants_csv(listing):
    """The grouped list of participants (usecases.participants) as CSV, one person a row,
    in the list's order, for a spreadsheet or a badge printer."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PARTICIPANT_COLUMNS)
    for group in listing["categories"]:
        for delegation in group["countries"]:
            for person in delegation["participants"]:
                writer.writerow((group["category"], delegation["country"],
                                 delegation["country_name"], person["family_name"],
                                 person["given_name"], person["organisation"],
                                 person["status"]))
    return out.getvalue()
