"""`make run`: all five services in the foreground, one process each.

Writes a development tokens file under var/ when COORD_TOKENS_FILE is unset, prints where
each service listens, and stops them all on Ctrl-C (or when one of them dies).
"""
import os
import signal
import subprocess
import sys
import time

from coord import settings
from coord.auth import write_development_tokens


def main():
    env = dict(os.environ)
    if not env.get("COORD_TOKENS_FILE"):
        digests, plain = write_development_tokens(settings.var_dir())
        env["COORD_TOKENS_FILE"] = digests
        print(f"development tokens: {plain} (digests in {digests})", flush=True)
    children = {
        service: subprocess.Popen([sys.executable, "-m", "coord.run", service], env=env)
        for service in settings.SERVICES
    }
    for service in settings.SERVICES:
        print(f"{service:>14}: http://localhost:{settings.port(service)}/health", flush=True)

    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for service, child in children.items():
            if child.poll() is not None:
                print(f"{service} exited with {child.returncode}; stopping the others",
                      flush=True)
                exit_code, stopping = 1, True
        time.sleep(0.2)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    print("all services stopped", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
