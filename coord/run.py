"""Run one service in this process: `python -m coord.run registration`.

One process per service, because nameko serves one HTTP server per process. SIGINT and
SIGTERM stop the container gracefully (workers finish, messages are acked or requeued).
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # must precede every other import

import argparse  # noqa: E402
import importlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from coord import settings  # noqa: E402

log = logging.getLogger("coord.run")

STOP_GRACE_SECONDS = 10


class RefusalsWithoutTracebacks(logging.Filter):
    """A refused request (4xx) is logged by nameko with a traceback; one line is enough."""

    def filter(self, record):
        if record.getMessage().startswith("(expected) error handling worker"):
            record.exc_info = None
            record.exc_text = None
        return True


def service_class(service):
    module = importlib.import_module(f"services.{service}.service")
    return module.SERVICE


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coord.run")
    parser.add_argument("service", choices=settings.SERVICES)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format=f"%(asctime)s {args.service} %(levelname)s %(name)s: %(message)s")
    logging.getLogger("nameko.containers").addFilter(RefusalsWithoutTracebacks())
    try:
        config = settings.nameko_config(args.service)
    except settings.ConfigurationError as exc:
        log.error("%s", exc)
        return 2
    runner = ServiceRunner(config)
    runner.add_service(service_class(args.service))

    stopping = []

    def shutdown(signum, _frame):
        """First signal: stop gracefully; exit at once if that takes too long (a container
        that never reached the broker cannot stop its consumer), or at a second signal."""
        if stopping and signum != stopping[0]:  # Ctrl-C, then devserver's SIGTERM: one stop
            return
        if len(stopping) == 1 and signum == stopping[0]:
            log.warning("second signal: not waiting for %s to stop", args.service)
            _kill_if_still_running()
        stopping.append(signum)
        log.info("stopping %s (signal %s)", args.service, signum)
        eventlet.spawn_n(runner.stop)
        eventlet.spawn_after(STOP_GRACE_SECONDS, _kill_if_still_running)

    def _kill_if_still_running():
        # Safe: transactions are atomic, unacked messages are redelivered, and committed
        # events wait in the outbox.
        log.warning("%s did not stop within %ss; exiting now", args.service, STOP_GRACE_SECONDS)
        logging.shutdown()
        os._exit(1)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    log.info("%s listening on http://%s", args.service, config["WEB_SERVER_ADDRESS"])
    runner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
