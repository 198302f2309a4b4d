"""Start the real processes (`make run`, `python -m coord.run`) for end-to-end tests."""
import os
import signal
import subprocess
import sys

import requests

from tests.support import free_port, wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Processes:
    """Processes started in their own session, so a signal reaches the whole group."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.started = []

    def start(self, command, env, log_name):
        log = open(self.tmp_path / f"{log_name}.log", "wb")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        process.log_path = log.name
        self.started.append(process)
        return process

    def log(self, process):
        with open(process.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def environment(amqp_uri, var_dir, **extra):
    env = {key: value for key, value in os.environ.items()
           if not key.endswith(("_PORT", "_DATABASE_URL")) and key != "COORD_TOKENS_FILE"}
    env.update({"AMQP_URI": amqp_uri, "COORD_VAR_DIR": str(var_dir),
                "COORD_BIND": "127.0.0.1", "PYTHONUNBUFFERED": "1"})
    env.update({key: str(value) for key, value in extra.items()})
    return env


def service_ports(names):
    return {f"{name.upper()}_PORT": free_port() for name in names}


def healthy(url):
    try:
        return requests.get(url + "/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_healthy(urls, process, processes, timeout=90):
    def all_up():
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{processes.log(process)}")
        return all(healthy(url) for url in urls)

    wait_for(all_up, timeout=timeout, interval=0.5, message="every /health to answer 200")


PYTHON = sys.executable


def migrate(env):
    subprocess.run([PYTHON, "-m", "coord.migrations", "upgrade", "all"], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def run_services(processes, names, amqp_uri, tokens_path, var_dir, **extra_env):
    """Each service in its own `python -m coord.run` process, on a migrated database and a
    free port, once every /health answers 200: ({name: process}, {name: base URL})."""
    ports = service_ports(names)
    env = environment(amqp_uri, var_dir, COORD_TOKENS_FILE=tokens_path, **ports, **extra_env)
    migrate(env)
    started = {name: processes.start([PYTHON, "-m", "coord.run", name], env, name)
               for name in names}
    url = {name: f"http://127.0.0.1:{ports[f'{name.upper()}_PORT']}" for name in names}
    for name, process in started.items():
        wait_healthy([url[name]], process, processes)
    return started, url
