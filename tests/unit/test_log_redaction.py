"""No log line carries a broker password, even where a library logs a cluster's
addresses (nameko hides only the first)."""
import io
import json
import logging

from coord import logs


def test_every_password_of_a_cluster_address_is_hidden():
    stream = io.StringIO()
    logs.configure("travel", stream=stream)
    try:
        logging.getLogger("nameko.messaging").warning(
            "Error connecting to broker at %s (%s).",
            "amqp://app:********@n1:5672/;amqp://app:s3cret@n2:5672/;amqp://app:s3cret@n3:5672/",
            "ECONNREFUSED")
    finally:
        logging.getLogger().handlers[:] = []
    line = json.loads(stream.getvalue())
    assert "s3cret" not in line["message"]
    assert "amqp://app:***@n2:5672/" in line["message"] and "ECONNREFUSED" in line["message"]
