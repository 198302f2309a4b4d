"""`make bench` (python -m bench): one run, one broker, the figures of BENCH.md.

Prints one table and writes bench/results/latest.json. No timer counts a process's
start-up: every clock starts with the first publish or request and stops at the last
effect. The machine is shared, so read figures as ratios within one run.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import baselines, scenarios
from bench.stack import ROOT, Databases, Stack, Vhost, free_port, wait_until

RESULTS = Path(ROOT) / "bench" / "results" / "latest.json"
SERVICES = ("registration", "travel", "notifications")


def arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000,
                        help="messages for the raw pika baselines")
    parser.add_argument("--events", type=int, default=3_000,
                        help="events through the backbone, per database")
    parser.add_argument("--http-seconds", type=float, default=5.0,
                        help="seconds of load per HTTP endpoint")
    parser.add_argument("--rate", type=float, default=50.0,
                        help="confirmations a second for the latency run")
    parser.add_argument("--latency-seconds", type=float, default=60.0,
                        help="seconds of the steady latency run")
    parser.add_argument("--saturation-seconds", type=float, default=10.0,
                        help="seconds of the latency run at saturation (10 closed-loop "
                             "clients confirming as fast as they are answered)")
    parser.add_argument("--feed-entries", type=int, default=1_000_000)
    parser.add_argument("--csv-rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--csv-databases", default="sqlite",
                        help="databases the big delegation file is imported on (it takes "
                             "minutes: one keeps the run within ten)")
    parser.add_argument("--postgresql", default=os.environ.get(
        "BENCH_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432"))
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def bare_ceiling(seconds):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.bare", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import requests

        def up():
            try:
                return requests.get(f"http://127.0.0.1:{port}/ping", timeout=1).ok
            except requests.RequestException:
                return False

        wait_until(up, interval=0.1, what="the bare endpoint")
        return scenarios.bare_ceiling(port, seconds)
    finally:
        process.terminate()
        process.wait(timeout=20)


def on_database(kind, vhost, args, workdir, results):
    databases = Databases(kind, workdir, args.postgresql)
    stack = Stack(vhost, databases, workdir)
    try:
        stack.start(*SERVICES)
        results["backbone_events_per_s"][kind] = scenarios.backbone(stack, args.events)
        scenarios.settle(stack)
        results["http"][kind] = scenarios.http(stack, args.http_seconds)
        scenarios.settle(stack)
        results["latency_ms_by_database"][kind] = scenarios.latency(
            stack, args.rate, args.latency_seconds)
        scenarios.settle(stack)
        results["latency_ms_at_saturation"][kind] = scenarios.latency_at_saturation(
            stack, args.saturation_seconds)
        scale = results["scale"].setdefault(kind, {})
        stack.stop_one("notifications")
        started = time.perf_counter()
        scenarios.big_feed(stack, args.feed_entries)
        scale["feed_entries"] = args.feed_entries
        scale["feed_build_s"] = round(time.perf_counter() - started, 3)
        stack.start("notifications")
        scale["feed_page_ms"] = scenarios.feed_pages(stack, args.feed_entries)
        if kind in args.csv_databases.split(","):
            scale.update(scenarios.big_delegation(stack, args.csv_rows))
        results["rss_mb"][kind] = stack.peak_rss_mb()
    finally:
        stack.stop()
        databases.drop()


def summarise(results):
    """Ratios the targets are stated in, and the headline latency (SQLite's run)."""
    ceiling = results["http"]["ceiling"]["rps"]
    for kind, endpoints in results["http"].items():
        if kind != "ceiling":
            for figures in endpoints.values():
                figures["of_ceiling"] = round(figures["rps"] / ceiling, 2) if ceiling else 0
    consume = results["baseline_msgs_per_s"]["consume"]
    results["backbone_of_consume"] = {
        kind: round(rate / consume, 3) for kind, rate in results["backbone_events_per_s"].items()}
    by_database = results["latency_ms_by_database"]
    results["latency_ms"] = by_database.get("sqlite") or next(iter(by_database.values()))


def table(results):
    lines = [f"{'measure':<44}{'sqlite':>14}{'postgresql':>14}"]

    def row(label, values):
        lines.append(f"{label:<44}" + "".join(f"{str(v):>14}" for v in values))

    kinds = ("sqlite", "postgresql")
    baseline = results["baseline_msgs_per_s"]
    row("raw pika publish / consume msg/s", [baseline["publish"], baseline["consume"]])
    row("backbone events/s", [results["backbone_events_per_s"].get(k, "-") for k in kinds])
    row("backbone / raw consume", [results["backbone_of_consume"].get(k, "-") for k in kinds])
    ceiling = results["http"]["ceiling"]
    row("bare @http rps (p50/p99 ms)", [ceiling["rps"], f"{ceiling['p50_ms']}/{ceiling['p99_ms']}"])
    for endpoint in ("list", "create", "health"):
        values = []
        for kind in kinds:
            figures = results["http"].get(kind, {}).get(endpoint)
            values.append(f"{figures['rps']} ({figures['of_ceiling']})" if figures else "-")
        row(f"{endpoint} rps (of ceiling)", values)
    for label, figures in (("", results["latency_ms_by_database"]),
                           (" saturated", results["latency_ms_at_saturation"])):
        row(f"confirm -> stream{label} per s",
            [figures.get(k, {}).get("confirmations_per_s", "-") for k in kinds])
        for quantile in ("p50", "p95", "p99"):
            row(f"confirm -> stream{label} {quantile} ms",
                [figures.get(k, {}).get(quantile, "-") for k in kinds])
    for measure in ("first", "deep", "rare_owner", "rare_owner_deep"):
        row(f"feed page ms: {measure}",
            [results["scale"].get(k, {}).get("feed_page_ms", {}).get(measure, "-") for k in kinds])
    for measure in ("csv_import_status", "csv_import_s", "participants_csv_s",
                    "participants_json_s"):
        row(measure, [results["scale"].get(k, {}).get(measure, "-") for k in kinds])
    for service in SERVICES:
        row(f"peak RSS MB: {service}",
            [results["rss_mb"].get(k, {}).get(service, "-") for k in kinds])
    return "\n".join(lines)


def main(argv=None):
    args = arguments(argv)
    results = {"started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "parameters": dict(vars(args)),
               "backbone_events_per_s": {}, "http": {}, "latency_ms_by_database": {},
               "latency_ms_at_saturation": {},
               "scale": {}, "rss_mb": {}}
    results["parameters"]["output"] = str(args.output)
    began = time.perf_counter()
    vhost = Vhost(os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/"))
    try:
        results["baseline_msgs_per_s"] = baselines.publish_and_consume(vhost.uri, args.messages)
        results["http"]["ceiling"] = bare_ceiling(args.http_seconds)
        for kind in args.databases.split(","):
            with tempfile.TemporaryDirectory(prefix=f"coord-bench-{kind}-") as directory:
                on_database(kind, vhost, args, Path(directory), results)
    finally:
        vhost.drop()
    summarise(results)
    results["wall_s"] = round(time.perf_counter() - began, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\n{results['wall_s']} s in all; written to {args.output}")


if __name__ == "__main__":
    main()
