"""Three RabbitMQ nodes of the test's own, clustered, on local ports (5681-5683).

The machine's `rabbitmq-server` starts each as the `rabbitmq` user with its own node
name, ports, config file (the one in /etc pins 5672), data and log directories and no
plugins. CLI calls use their own distribution ports, clear of the shared broker's CLIs.
"""
import os
import pwd
import shutil
import subprocess
import tempfile
import time

NODES = (1, 2, 3)
CLI_ENV = {"RABBITMQ_CTL_DIST_PORT_MIN": "45700", "RABBITMQ_CTL_DIST_PORT_MAX": "45730"}


class ClusterUnavailable(Exception):
    """The nodes could not be started here; the message says why."""


class Cluster:
    def __init__(self):
        if shutil.which("rabbitmq-server") is None or shutil.which("rabbitmqctl") is None:
            raise ClusterUnavailable("rabbitmq-server is not installed here")
        try:
            self._user = pwd.getpwnam("rabbitmq")
        except KeyError as exc:
            raise ClusterUnavailable("there is no rabbitmq user to run the nodes as") from exc
        if os.geteuid() != 0:
            raise ClusterUnavailable("starting nodes as the rabbitmq user needs root")
        self._base = tempfile.mkdtemp(prefix="coord-cluster-")
        os.chmod(self._base, 0o755)
        self._servers = {}

    @staticmethod
    def name(node):
        return f"n{node}@localhost"

    @staticmethod
    def port(node):
        return 5680 + node

    @property
    def amqp_uri(self):
        """Every node's address, `;`-separated: what the services are given."""
        return ";".join(f"amqp://guest:guest@127.0.0.1:{self.port(node)}/" for node in NODES)

    def start(self):
        for node in NODES:
            self._start_server(node)
        for node in NODES:
            self._await(node)
        for node in NODES[1:]:
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", self.name(NODES[0]))
            self.ctl(node, "start_app")

    def _await(self, node, seconds=180):
        """Wait for the node to boot (it is unreachable until it registers with epmd)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.ctl(node, "await_startup", timeout=seconds)
                return
            except ClusterUnavailable:
                if time.monotonic() > deadline or self._servers[node].poll() is not None:
                    raise
                time.sleep(1)

    def _start_server(self, node):
        directory = os.path.join(self._base, f"n{node}")
        for sub in ("mnesia", "log"):
            os.makedirs(os.path.join(directory, sub), exist_ok=True)
        with open(os.path.join(directory, "rabbitmq.conf"), "w") as config:
            config.write(f"listeners.tcp.default = {self.port(node)}\nloopback_users = none\n")
        with open(os.path.join(directory, "enabled_plugins"), "w") as plugins:
            plugins.write("[].\n")
        for root, dirs, files in os.walk(directory):
            for entry in [root] + [os.path.join(root, name) for name in dirs + files]:
                os.chown(entry, self._user.pw_uid, self._user.pw_gid)
        env = " ".join(f"{key}={value}" for key, value in {
            "RABBITMQ_NODENAME": self.name(node), "RABBITMQ_NODE_PORT": self.port(node),
            "RABBITMQ_DIST_PORT": 25680 + node,
            "RABBITMQ_CONFIG_FILE": os.path.join(directory, "rabbitmq.conf"),
            "RABBITMQ_MNESIA_BASE": os.path.join(directory, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(directory, "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(directory, "enabled_plugins"),
            **CLI_ENV}.items())
        log = open(os.path.join(directory, "server.out"), "w")
        self._servers[node] = subprocess.Popen(
            ["su", "-s", "/bin/sh", "rabbitmq", "-c", f"exec env {env} rabbitmq-server"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def ctl(self, node, *args, timeout=120):
        result = subprocess.run(["rabbitmqctl", "-q", "-n", self.name(node), *args],
                                capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, **CLI_ENV})
        if result.returncode != 0:
            raise ClusterUnavailable(
                f"rabbitmqctl {' '.join(args)} on {self.name(node)}: "
                f"{(result.stderr or result.stdout).strip()[:300]}")
        return result.stdout

    def stop_node(self, node):
        """The node leaves (its broker stops; the Erlang VM stays up to start again)."""
        self.ctl(node, "stop_app")

    def start_node(self, node):
        self.ctl(node, "start_app")

    def close(self):
        for node in NODES:
            try:
                self.ctl(node, "stop", timeout=60)
            except (ClusterUnavailable, subprocess.TimeoutExpired):
                pass
        for server in self._servers.values():
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait()
        shutil.rmtree(self._base, ignore_errors=True)
