"""What each fault test proved, printed as one table at the end of the run
(tests/faults/conftest.py) and kept in RELIABILITY.md."""
from dataclasses import dataclass

COLUMNS = ("fault", "services killed", "broker nodes stopped", "events sent", "lost",
           "duplicate effects", "parked", "time to recover (s)")


@dataclass
class FaultRun:
    fault: str
    services_killed: int = 0
    broker_nodes_stopped: int = 0
    events_sent: int = 0
    lost: int = 0
    duplicate_effects: int = 0
    parked: int = 0
    time_to_recover: float | None = None

    def cells(self):
        recover = "-" if self.time_to_recover is None else f"{self.time_to_recover:.1f}"
        return (self.fault, str(self.services_killed), str(self.broker_nodes_stopped),
                str(self.events_sent), str(self.lost), str(self.duplicate_effects),
                str(self.parked), recover)


RUNS = []


def record(run):
    RUNS.append(run)
    return run


def table(runs):
    """A Markdown table of `runs`."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(run.cells()) + " |" for run in runs]
    return "\n".join(lines)
