"""`coord`: the services from a terminal, on the Python client.

Tables for people, `--json` for scripts. The services are found through COORD_HOST and
the <SERVICE>_PORT variables (or the config file, see config.py); the token is
COORD_TOKEN, else the development tokens file `make run` writes (as `--as ORG`, default
mc). A refusal, a service that cannot be reached or a server error prints one line and
exits 1.
"""
import csv
import hashlib
import io
import json
import os
import secrets
import sys

import click
import yaml
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from coord_client.client import Coord
from coord_client.errors import ApiError, CoordClientError

console = Console()
notes = Console(stderr=True)  # progress and remarks, so stdout stays data


class Context:
    def __init__(self, organisation):
        self.organisation = organisation
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = Coord.from_environment(organisation=self.organisation)
        return self._client

    def meeting_id(self, meeting):
        """A meeting's id from its code (COP-2) or its id."""
        if meeting is None or _looks_like_id(meeting):
            return meeting
        for candidate in self.client.registration.list_meetings(limit=500):
            if candidate.code.lower() == meeting.lower():
                return candidate.id
        raise CoordClientError(f"No meeting with the code {meeting!r}.")


def _looks_like_id(value):
    return len(value) == 36 and value.count("-") == 4


pass_context = click.make_pass_decorator(Context)
json_option = click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
meeting_option = click.option("--meeting", help="Meeting code (e.g. COP-2) or id.")


def money(value):
    return f"{value['amount']} {value['currency']}" if value else ""


def show(rows, columns, as_json, title=None):
    """Rows as a table (columns: [(header, function of a row)]) or as JSON lines."""
    rows = list(rows)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=title)
    for header, _ in columns:
        table.add_column(header)
    for row in rows:
        table.add_row(*(str(value(row) if value(row) is not None else "") for _, value in columns))
    console.print(table)
    if not rows:
        console.print("(nothing)")


@click.group()
@click.option("--as", "organisation", metavar="ORG",
              help="Act as this organisation, with its token from the development tokens "
                   "file (default: COORD_TOKEN, else mc's).")
@click.pass_context
def cli(ctx, organisation):
    """Meeting coordination from the command line."""
    ctx.obj = Context(organisation)


@cli.command()
@meeting_option
@click.option("--owner", metavar="ORG", help="Entries leaving work with this organisation.")
@click.option("--type", "event_type", help="One event type.")
@click.option("--limit", default=20, show_default=True)
@click.option("--follow", is_flag=True, help="Keep printing new entries as they happen.")
@json_option
@pass_context
def feed(context, meeting, owner, event_type, limit, follow, as_json):
    """The staff feed: who did what, and what now waits on whom."""
    filters = {"meeting_id": context.meeting_id(meeting), "owner": owner, "type": event_type}
    filters = {key: value for key, value in filters.items() if value}
    notifications = context.client.notifications
    entries = []
    for entry in notifications.feed(limit=limit, **filters):
        entries.append(entry)
        if len(entries) == limit:
            break
    entries.reverse()
    for entry in entries:
        _print_entry(entry, as_json)
    if follow:
        last = entries[-1]["seq"] if entries else None
        for entry in notifications.feed_stream(
                **filters, **({"last_event_id": last} if last is not None else {})):
            _print_entry(entry, as_json)


def _print_entry(entry, as_json):
    if as_json:
        click.echo(json.dumps(entry, ensure_ascii=False))
    else:
        style = "bold red" if entry.get("late") else ""
        console.print(f"{entry['at'][:16].replace('T', ' ')}  {entry['summary']}", style=style,
                      highlight=False)


@cli.group()
def travel():
    """Travel cases: tickets and DSA for funded participants."""


CASE_COLUMNS = [("case", lambda c: c["id"]), ("meeting", lambda c: c["meeting_code"]),
                ("participant", lambda c: f"{c['given_name']} {c['family_name']}"),
                ("country", lambda c: c["country"]), ("region", lambda c: c["region"]),
                ("travel", lambda c: c["travel_owner"]), ("DSA", lambda c: c["dsa_owner"]),
                ("entitlement", lambda c: money(c["entitlement"])),
                ("status", lambda c: c["status"] + (" (overdue)" if c.get("overdue") else ""))]


@travel.command("list")
@meeting_option
@click.option("--owner", metavar="ORG", help="Cases on which this organisation must act.")
@click.option("--status", type=click.Choice(
    ["open", "ticketed", "dsa_paid", "closed", "cancelled"]))
@json_option
@pass_context
def travel_list(context, meeting, owner, status, as_json):
    """Travel cases, e.g. `coord travel list --owner brs --status open`."""
    filters = {"meeting_id": context.meeting_id(meeting), "owner": owner, "status": status}
    cases = context.client.travel.list_cases(
        **{key: value for key, value in filters.items() if value})
    show(cases, CASE_COLUMNS, as_json, title="Travel cases")


@travel.command("ticket")
@click.argument("case")
@click.option("--carrier", required=True)
@click.option("--number", "ticket_number", required=True, help="Ticket number.")
@click.option("--fare", required=True, help="Amount, e.g. 1234.50.")
@click.option("--currency", default="USD", show_default=True)
@click.option("--outbound", "outbound_on", required=True, help="YYYY-MM-DD")
@click.option("--return", "return_on", required=True, help="YYYY-MM-DD")
@json_option
@pass_context
def travel_ticket(context, case, carrier, ticket_number, fare, currency, outbound_on,
                  return_on, as_json):
    """Record the ticket issued for a case (its travel owner)."""
    result = context.client.travel.issue_ticket(
        case, carrier=carrier, ticket_number=ticket_number,
        fare={"amount": fare, "currency": currency}, outbound_on=outbound_on,
        return_on=return_on)
    show([result], CASE_COLUMNS, as_json)


@travel.command("pay-dsa")
@click.argument("case")
@click.option("--amount", help="Default: the entitlement.")
@click.option("--currency", help="Default: the entitlement's.")
@click.option("--paid-on", required=True, help="YYYY-MM-DD")
@json_option
@pass_context
def travel_pay_dsa(context, case, amount, currency, paid_on, as_json):
    """Record the DSA paid for a case (its DSA owner)."""
    travel_client = context.client.travel
    entitlement = travel_client.get_case(case).entitlement or {}
    paid = {"amount": amount or entitlement.get("amount"),
            "currency": currency or entitlement.get("currency")}
    result = travel_client.pay_dsa(case, amount=paid, paid_on=paid_on)
    show([result], CASE_COLUMNS, as_json)


@cli.command()
@click.option("--meeting", required=True, help="Meeting code (e.g. COP-2) or id.")
@click.option("--csv", "as_csv", is_flag=True, help="The ledger as CSV.")
@json_option
@pass_context
def ledger(context, meeting, as_csv, as_json):
    """What each partner does for a meeting, on which basis, and what is owed."""
    support = context.client.support
    meeting_id = context.meeting_id(meeting)
    if as_csv:
        click.echo(support.ledger_csv(meeting_id=meeting_id), nl=False)
        return
    result = support.ledger(meeting_id=meeting_id)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    rows = [dict(line, **amounts) for line in result["lines"]
            for amounts in (line["amounts"] or [{}])]
    show(rows, [("provider", lambda r: r["provider"]), ("basis", lambda r: r["basis"]),
                ("requested", lambda r: r["requests"].get("requested")),
                ("delivered", lambda r: r["requests"].get("delivered")),
                ("tickets", lambda r: r["travel"]["tickets"]),
                ("DSA payments", lambda r: r["travel"]["dsa_payments"]),
                ("currency", lambda r: r.get("currency")), ("owed", lambda r: r.get("owed")),
                ("settled", lambda r: r.get("settled")),
                ("outstanding", lambda r: r.get("outstanding"))],
         False, title=f"Ledger of {result['meeting_code']}")


@cli.group()
def documents():
    """Meeting documents."""


@documents.command("late")
@meeting_option
@json_option
@pass_context
def documents_late(context, meeting, as_json):
    """Documents past a deadline, longest late first."""
    filters = {"late": True}
    if meeting:
        filters["meeting_id"] = context.meeting_id(meeting)
    late = sorted(context.client.documents.list_documents(**filters),
                  key=lambda document: -(document.get("days_late") or 0))
    show(late, [("symbol", lambda d: d["symbol"]), ("title", lambda d: d["title"]),
                ("status", lambda d: d["status"]), ("with", lambda d: d.get("owner")),
                ("due", lambda d: d.get("due_on")), ("days late", lambda d: d.get("days_late"))],
         as_json, title="Late documents")


@cli.command()
@click.option("--meeting", required=True, help="Meeting code (e.g. COP-2) or id.")
@click.argument("delegation", type=click.File("r", encoding="utf-8-sig"))
@json_option
@pass_context
def nominate(context, meeting, delegation, as_json):
    """Nominate a delegation from a CSV file (one participant a row, the columns of
    POST /meetings/{id}/registrations), one by one with a progress bar."""
    meeting_id = context.meeting_id(meeting)
    rows = list(csv.DictReader(io.StringIO(delegation.read())))
    registration = context.client.registration
    created, refused = [], []
    with Progress(console=notes, disable=as_json) as progress:
        task = progress.add_task("Nominating", total=len(rows))
        for number, row in enumerate(rows, start=2):
            try:
                created.append(registration.register(meeting_id, **_nomination(row)))
            except ApiError as exc:
                refused.append({"row": number, "error": str(exc)})
            progress.advance(task)
    if as_json:
        click.echo(json.dumps({"created": created, "refused": refused}, ensure_ascii=False))
    else:
        console.print(f"{len(created)} nominated, {len(refused)} refused")
        for problem in refused:
            console.print(f"  row {problem['row']}: {problem['error']}", style="red")
    if refused:
        sys.exit(1)


def _nomination(row):
    """A CSV row as a nomination: empty cells left out, yes/no columns as booleans."""
    body = {key.strip(): value.strip() for key, value in row.items() if key and value}
    for flag in ("funding_requested", "visa_letter_requested"):
        if flag in body:
            body[flag] = body[flag].lower() in ("true", "yes", "1", "y")
    return body


@cli.group()
def tokens():
    """Tokens of organisations (operators)."""


@tokens.command("new")
@click.argument("organisation")
@click.option("--file", "tokens_file", envvar="COORD_TOKENS_FILE", default="var/tokens.yaml",
              show_default=True, help="The services' tokens file (COORD_TOKENS_FILE).")
def tokens_new(organisation, tokens_file):
    """A new token for ORG: its SHA-256 digest goes into the tokens file, the token is
    printed this once. Services read the file when they start."""
    try:
        with open(tokens_file, encoding="utf-8") as handle:
            digests = yaml.safe_load(handle) or {}
    except FileNotFoundError:
        digests = {}
    token = secrets.token_urlsafe(24)
    digests.setdefault(organisation, []).append(hashlib.sha256(token.encode()).hexdigest())
    with open(tokens_file, "w", encoding="utf-8") as handle:
        yaml.safe_dump(digests, handle)
    click.echo(token)
    notes.print(f"Added to {tokens_file}; restart the services to use it. "
                "The token is not kept anywhere: store it now.", style="dim")


@cli.group()
def dlq():
    """Parked events of a consumer (operators; needs the broker)."""


def _parked_events(action, *args):
    """Run a coord.deadletter function against the broker; a broker that cannot be
    reached, or a queue that is not there, is one line like any other failure."""
    try:
        import amqp
        from kombu.exceptions import OperationalError

        from coord import deadletter
    except ImportError:
        raise CoordClientError("`coord dlq` runs in the project's environment "
                               "(.venv), next to the services.") from None
    uri = os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")
    try:
        return getattr(deadletter, action)(uri, *args)
    except (OSError, OperationalError, amqp.exceptions.AMQPError) as exc:
        raise CoordClientError(f"Cannot read the parked events at "
                               f"{uri.rsplit('@', 1)[-1]}: {exc}") from None


@dlq.command("list")
@click.argument("service")
@json_option
def dlq_list(service, as_json):
    """Events parked by SERVICE's handlers."""
    entries = [{key: value for key, value in entry.items() if key != "body"}
               for entry in _parked_events("parked", service)]
    show(entries, [("event", lambda e: e["event_id"]), ("type", lambda e: e["type"]),
                   ("queue", lambda e: e["queue"]), ("attempts", lambda e: e["attempts"]),
                   ("reason", lambda e: e["reason"])], as_json, title=f"Parked in {service}")


@dlq.command("replay")
@click.argument("service")
@click.option("--event-id", "event_ids", multiple=True, help="Only these (repeatable).")
def dlq_replay(service, event_ids):
    """Send SERVICE's parked events back to their queues."""
    count = _parked_events("replay", service, set(event_ids))
    console.print(f"replayed {count} event(s)")


def main(argv=None):
    """The console script: one line and exit 1 on any refusal or unreachable service."""
    try:
        cli.main(args=argv, prog_name="coord", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CoordClientError as exc:
        click.echo(f"coord: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"coord: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}",
                   err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
