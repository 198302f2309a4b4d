"""What the broker and nameko give with nothing of ours on top: the ceilings the backbone
and the HTTP figures are read against."""
import time
import uuid

import pika

WINDOW = 256  # unconfirmed publishes in flight
PREFETCH = 256


def publish_and_consume(amqp_uri, messages, body=b"x" * 600):
    """{"publish": msg/s, "consume": msg/s}: `messages` persistent messages published into
    a durable queue with asynchronous publisher confirms (at most WINDOW unconfirmed),
    timed from the first publish to the last confirm; then consumed with a manual ack
    each, timed from the first delivery to the last ack. The body is about an envelope's
    size."""
    parameters = pika.URLParameters(amqp_uri)
    queue = f"bench.baseline.{uuid.uuid4().hex[:8]}"
    setup = pika.BlockingConnection(parameters)
    setup.channel().queue_declare(queue, durable=True)
    setup.close()
    try:
        publish = _publish_confirmed(parameters, queue, messages, body)
        consume = _consume_acked(parameters, queue, messages)
    finally:
        cleanup = pika.BlockingConnection(parameters)
        cleanup.channel().queue_delete(queue)
        cleanup.close()
    return {"publish": round(publish), "consume": round(consume)}


def _publish_confirmed(parameters, queue, messages, body):
    state = {"sent": 0, "confirmed": 0, "started": None, "finished": None}
    properties = pika.BasicProperties(delivery_mode=2, content_type="application/json")

    def fill(channel):
        while state["sent"] < messages and state["sent"] - state["confirmed"] < WINDOW:
            channel.basic_publish("", queue, body, properties)
            state["sent"] += 1

    def on_confirm(frame, channel):
        acked = frame.method
        state["confirmed"] = (acked.delivery_tag if acked.multiple
                              else state["confirmed"] + 1)
        if state["confirmed"] >= messages:
            state["finished"] = time.perf_counter()
            channel.connection.close()
            return
        fill(channel)

    def on_channel(channel):
        def confirming(_frame):
            state["started"] = time.perf_counter()
            fill(channel)

        channel.confirm_delivery(lambda frame: on_confirm(frame, channel),
                                 callback=confirming)

    connection = pika.SelectConnection(
        parameters, on_open_callback=lambda conn: conn.channel(on_open_callback=on_channel),
        on_close_callback=lambda conn, reason: conn.ioloop.stop())
    connection.ioloop.start()
    if state["finished"] is None:
        raise RuntimeError(f"publishing stopped after {state['confirmed']} confirms")
    return messages / (state["finished"] - state["started"])


def _consume_acked(parameters, queue, messages):
    connection = pika.BlockingConnection(parameters)
    channel = connection.channel()
    channel.basic_qos(prefetch_count=PREFETCH)
    received, started = 0, None
    for method, _properties, _body in channel.consume(queue, inactivity_timeout=30):
        if method is None:
            raise RuntimeError(f"consumed only {received} of {messages}")
        if started is None:
            started = time.perf_counter()
        channel.basic_ack(method.delivery_tag)
        received += 1
        if received >= messages:
            break
    finished = time.perf_counter()
    channel.cancel()
    connection.close()
    return messages / (finished - started)
