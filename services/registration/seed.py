"""Schedule the source document's meetings: `python -m services.registration.seed [FILE]`.

The meetings are data (data/meetings.yaml), validated like a POST /meetings body and
scheduled through the same service-layer function as the API, so each one emits its
`meeting_scheduled` event (the running service's outbox relay publishes it). Codes that
already exist are skipped, so running it twice changes nothing.
"""
import argparse
import sys
from datetime import date
from importlib import resources

import yaml
from marshmallow import ValidationError

from coord import settings
from coord.db import UnitOfWork, make_engine
from coord.errors import Conflict, Invalid
from coord.vocabulary import ORGANISER
from services.registration import usecases
from services.registration.models import Base
from services.registration.schemas import MeetingCreateSchema

DEFAULT_FILE = resources.files(__package__).joinpath("data/meetings.yaml")


class SeedError(Exception):
    """The seed file is not a list of valid meetings; nothing was scheduled."""


def load_meetings(text):
    """The meetings in a YAML list, each validated as the API validates a new meeting."""
    entries = yaml.safe_load(text)
    if not isinstance(entries, list):
        raise SeedError("The seed file must be a YAML list of meetings.")
    meetings, problems = [], []
    for number, entry in enumerate(entries, start=1):
        try:
            meetings.append(MeetingCreateSchema().load(
                {key: value.isoformat() if isinstance(value, date) else value
                 for key, value in (entry if isinstance(entry, dict) else {}).items()}))
        except ValidationError as exc:
            problems.append(f"meeting {number} ({(entry or {}).get('code', '?')}): "
                            f"{exc.messages}")
    if problems:
        raise SeedError("Nothing scheduled; fix these meetings first:\n" + "\n".join(problems))
    return meetings


def seed(unit_of_work, meetings):
    """Schedule each meeting whose code is new; returns (scheduled, skipped) codes."""
    scheduled, skipped = [], []
    for meeting in meetings:
        try:
            with unit_of_work() as uow:
                usecases.schedule_meeting(uow, ORGANISER, meeting)
            scheduled.append(meeting["code"])
        except Conflict as exc:
            if exc.code != "duplicate":
                raise
            skipped.append(meeting["code"])
    return scheduled, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.registration.seed",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", help="YAML list of meetings (default: the "
                        "meetings of the source document)")
    parser.add_argument("--database-url", default=settings.database_url("registration"))
    args = parser.parse_args(argv)
    text = (open(args.file, encoding="utf-8").read() if args.file
            else DEFAULT_FILE.read_text("utf-8"))
    try:
        meetings = load_meetings(text)
    except SeedError as exc:
        print(exc, file=sys.stderr)
        return 1
    engine = make_engine(args.database_url)
    try:
        scheduled, skipped = seed(lambda: UnitOfWork(engine, Base.metadata, "registration"),
                                  meetings)
    except Invalid as exc:  # e.g. a country missing from data/countries.csv
        print(f"stopped: {exc.message} {exc.fields}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"scheduled {len(scheduled)} meeting(s): {', '.join(scheduled) or 'none'}; "
          f"skipped {len(skipped)} already there: {', '.join(skipped) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
