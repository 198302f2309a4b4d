"""Closed-loop HTTP load: `clients` threads, each on its own keep-alive connection, sending
its next request as soon as the previous answer arrived, for `seconds`."""
import http.client
import threading
import time


def percentile(samples, fraction):
    """The `fraction` quantile of `samples` (nearest rank); 0 for none."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run(port, make_request, *, clients=10, seconds=5.0):
    """{rps, p50_ms, p99_ms, errors}. `make_request(client, number)` gives (method, path,
    body bytes or None, headers) for the client's `number`-th request."""
    latencies, errors = [], []
    deadline = time.perf_counter() + seconds
    start_together = threading.Barrier(clients + 1)

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        own, failed, number = [], 0, 0
        start_together.wait()
        while time.perf_counter() < deadline:
            method, path, body, headers = make_request(index, number)
            number += 1
            sent = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            own.append((time.perf_counter() - sent) * 1000)
        latencies.extend(own)
        errors.append(failed)
        connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    start_together.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {"rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "errors": sum(errors)}
