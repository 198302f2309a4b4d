"""The ceiling for HTTP: a nameko `@http` endpoint that does nothing.

    python -m bench.bare PORT
"""
import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402

from nameko.containers import ServiceContainer  # noqa: E402
from nameko.web.handlers import http  # noqa: E402


class Bare:
    name = "bare"

    @http("GET", "/ping")
    def ping(self, request):
        return "ok"


def main(port):
    container = ServiceContainer(Bare, {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                                        "AMQP_URI": "memory://"})
    container.start()
    container.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]))
