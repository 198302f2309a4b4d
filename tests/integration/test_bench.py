"""`make bench` still runs: the benchmark at a tiny size, on each database, writes every
figure BENCH.md reads. Only that the numbers exist and are positive is checked here, never
how large they are (the machines are shared and noisy)."""
import json
import subprocess
import sys

from tests.e2e.processes import ROOT

TINY = ["--messages", "200", "--events", "20", "--http-seconds", "0.5", "--rate", "10",
        "--latency-seconds", "1", "--saturation-seconds", "0.5", "--feed-entries", "1000", "--csv-rows", "50"]


def positive_numbers(value, where="results"):
    """Every number under `value`, asserting each is > 0 (error counts may be 0)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in ("errors",) and not key.endswith("_status"):
                positive_numbers(item, f"{where}.{key}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        assert value > 0, f"{where} is {value}"


def test_the_benchmark_writes_every_figure(tmp_path, database_kind):
    output = tmp_path / "latest.json"
    run = subprocess.run([sys.executable, "-m", "bench", *TINY, "--databases", database_kind,
                          "--csv-databases", database_kind,
                          "--output", str(output)], cwd=ROOT, capture_output=True, text=True,
                         timeout=280)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(output.read_text())

    assert set(results["baseline_msgs_per_s"]) == {"publish", "consume"}
    assert set(results["backbone_events_per_s"]) == {database_kind}
    assert set(results["http"]) == {"ceiling", database_kind}
    assert set(results["http"][database_kind]) == {"list", "create", "health"}
    assert set(results["latency_ms"]) >= {"p50", "p95", "p99"}
    assert set(results["latency_ms_at_saturation"][database_kind]) >= {
        "p50", "p95", "p99", "confirmations_per_s"}
    assert set(results["rss_mb"][database_kind]) == {"registration", "travel", "notifications"}
    scale = results["scale"][database_kind]
    assert set(scale["feed_page_ms"]) == {"first", "deep", "rare_owner", "rare_owner_deep"}
    assert scale["csv_import_status"] == 201
    assert scale["participants_csv_status"] == scale["participants_json_status"] == 200
    for key in ("baseline_msgs_per_s", "backbone_events_per_s", "http", "latency_ms",
                "latency_ms_at_saturation", "scale", "rss_mb"):
        positive_numbers(results[key], key)
    assert "backbone events/s" in run.stdout
