"""A Werken worker: takes actions off a queue, handles each action_id once, and acks it after handling.

AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2F, Werken's embedded broker) and QUEUE (default required_actions).
The handled ids are kept in memory, which is enough for an example: a real worker keeps them where a restart finds
them (a Redis set or a table, with a TTL longer than a redelivery can take), or makes its action idempotent.
"""
import json
import os
import sys

import pika

params = pika.URLParameters(os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
queue = os.environ.get("QUEUE", "required_actions")
handled = set()


def on_action(channel, method, properties, body):
    action = json.loads(body)  # action_id, event_id, type, params, payload, ... (docs: the worker contract)
    traceparent = (properties.headers or {}).get("traceparent")
    seen = action["action_id"] in handled
    if not seen:
        # Do the work here (send the email, write the log entry), then remember the id.
        handled.add(action["action_id"])
    print(f"{'duplicate' if seen else 'handled'} action_id={action['action_id']} type={action['type']} "
          f"event_id={action['event_id']} traceparent={traceparent}", flush=True)
    channel.basic_ack(method.delivery_tag)


connection = pika.BlockingConnection(params)
channel = connection.channel()
try:
    channel.queue_declare(queue, passive=True)  # Werken declares its queues (durable): only check this one is there
except pika.exceptions.ChannelClosedByBroker:
    sys.exit(f"no queue {queue} at {params.host}:{params.port}: start Werken first, it declares its queues")
channel.basic_qos(prefetch_count=10)
channel.basic_consume(queue, on_action)
print(f"waiting for actions on {queue} at {params.host}:{params.port}", flush=True)
try:
    channel.start_consuming()
except KeyboardInterrupt:
    connection.close()
