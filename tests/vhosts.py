"""Test vhosts made with `rabbitmqctl`, so the suite needs no broker plugin.

nameko's `rabbit_config` fixture creates each test's vhost through the management HTTP API,
which a broker as a new machine starts it does not serve. `rabbitmqctl` always works next
to the broker, but each call pays about a second of Erlang start-up, so vhosts are made
in batches, one `rabbitmqctl eval` per batch.

A used vhost is dropped at once, by a thread of its own, so no test waits for it. Its
quorum queues must not linger: RabbitMQ 3.10 reserves about three of its file handles for
each, and a broker started with the usual limit of 1,024 open files has 927 of them. Once
they are all reserved, the broker stops starting vhosts and accepting connections, and
stays so until it is restarted; keeping sixteen used vhosts for one batched drop did that.

A vhost's name carries the test process's pid: a run killed before it could drop its
vhosts leaves them only until the next run, which drops those whose process is gone
(hundreds of leftover vhosts slow the broker down for everyone on the machine).
"""
import os
import queue
import re
import secrets
import shutil
import subprocess
import threading
import warnings
from collections.abc import Iterable
from urllib.parse import urlparse

from kombu.pools import connections

RABBITMQCTL = os.environ.get("RABBITMQCTL", "rabbitmqctl")
ACTING_USER = "coord-tests"
PREFIX = "coord_test_"
_OWNED = re.compile(rf"{PREFIX}(\d+)_[0-9a-f]+")


class BrokerSetupError(Exception):
    """The suite cannot make its vhosts; the message says what to do."""


def _binary(name):
    return "<<\"" + name + "\">>"


class VhostPool:
    """Hands out fresh vhosts with full permissions for `user`; drops used ones at once."""

    def __init__(self, amqp_uri, batch=16):
        parts = urlparse(amqp_uri)
        self._base = f"{parts.scheme}://{parts.netloc}"
        self._user = parts.username or "guest"
        self._batch = batch
        self._ready = []
        self._lock = threading.Lock()
        if shutil.which(RABBITMQCTL) is None:
            raise BrokerSetupError(
                f"{RABBITMQCTL} not found: the tests make their own vhosts with it. Run them "
                "where the broker runs (as root or the rabbitmq user), or set RABBITMQCTL.")
        self._used = queue.Queue()
        self._dropper = threading.Thread(target=self._drop_used, name="vhost-dropper",
                                         daemon=True)
        self._dropper.start()

    def take(self):
        """A new vhost's AMQP URI and name."""
        with self._lock:
            if not self._ready:
                names = [f"{PREFIX}{os.getpid()}_{secrets.token_hex(5)}"
                         for _ in range(self._batch)]
                self._eval(", ".join(
                    f"rabbit_vhost:add({_binary(name)}, {_binary(ACTING_USER)}), "
                    f"rabbit_auth_backend_internal:set_permissions({_binary(self._user)}, "
                    f"{_binary(name)}, <<\".*\">>, <<\".*\">>, <<\".*\">>, "
                    f"{_binary(ACTING_USER)})" for name in names))
                self._ready = names
            vhost = self._ready.pop()
        return f"{self._base}/{vhost}", vhost

    def give_back(self, vhost):
        """Close this process's pooled connections to `vhost`, and have it dropped."""
        for key, pool in list(connections.items()):
            if isinstance(key, Iterable) and not isinstance(key, str) and key[4] == vhost:
                pool.force_close_all()
        self._used.put(vhost)

    def _drop_used(self):
        """Drop the used vhosts as they come back: those that came back while the last drop
        ran go together. A failed drop is reported, and the next ones are still tried."""
        while True:
            names = [self._used.get()]
            while not self._used.empty():
                names.append(self._used.get_nowait())
            try:
                self._drop([name for name in names if name is not None])
            except (BrokerSetupError, subprocess.TimeoutExpired) as exc:
                warnings.warn(f"could not drop used test vhosts {names}: {exc}")
            if None in names:
                return

    def drop_leftovers(self):
        """Drop the vhosts that killed runs left behind: those whose process is gone."""
        listed = subprocess.run([RABBITMQCTL, "list_vhosts", "-q", "--no-table-headers", "name"],
                                capture_output=True, text=True, timeout=120)
        gone = [name for name in listed.stdout.split() if _owner_is_gone(name)]
        for start in range(0, len(gone), 100):
            self._drop(gone[start:start + 100])

    def close(self):
        """Drop every vhost left: the used ones once the dropper is done, the unused ones."""
        self._used.put(None)
        self._dropper.join()
        with self._lock:
            self._drop(self._ready)
            self._ready = []

    def _drop(self, names):
        if names:
            self._eval(", ".join(
                f"rabbit_vhost:delete({_binary(name)}, {_binary(ACTING_USER)})" for name in names))

    def _eval(self, expressions):
        result = subprocess.run([RABBITMQCTL, "eval", expressions + ", ok."],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise BrokerSetupError(
                f"{RABBITMQCTL} eval failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[:500]}")


def _owner_is_gone(vhost):
    owned = _OWNED.fullmatch(vhost)
    if owned is None:
        return False
    try:
        os.kill(int(owned[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False
