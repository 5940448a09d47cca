"""Pub/Sub traffic for scripts/screenshot.sh --channels: subscribers to channels, a pattern and a
shard channel, and publishers at rates that change over time, for about 45 seconds."""
import math
import random
import sys
import threading
import time

import redis

port = int(sys.argv[1])
deadline = time.time() + 45
random.seed(11)


def subscriber(name, channels=(), patterns=(), shard=()):
    client = redis.Redis(port=port, client_name=name)
    pubsub = client.pubsub()
    if channels:
        pubsub.subscribe(*channels)
    if patterns:
        pubsub.psubscribe(*patterns)
    for channel in shard:
        pubsub.execute_command("SSUBSCRIBE", channel)
    while time.time() < deadline:
        try:
            pubsub.get_message(timeout=0.2)
        except redis.exceptions.ConnectionError:
            return


def publisher(name, channel, rate, shard=False):
    client = redis.Redis(port=port, client_name=name)
    start = time.time()
    n = 0
    try:
        while time.time() < deadline:
            n += 1
            message = '{"id":%d,"from":"%s","text":"message %d"}' % (n, name, n)
            client.execute_command("SPUBLISH" if shard else "PUBLISH", channel, message)
            time.sleep(1.0 / max(rate(time.time() - start), 0.5))
    except redis.exceptions.ConnectionError:
        pass  # the server quit once the picture was taken


subscribers = [
    ("chat-ui-1", ("chat:lobby", "chat:help"), (), ()),
    ("chat-ui-2", ("chat:lobby",), (), ()),
    ("chat-ui-3", ("chat:lobby", "notifications"), (), ()),
    ("order-audit", (), ("orders.*",), ()),
    ("order-eu-worker", ("orders.eu",), (), ()),
    ("order-us-worker", ("orders.us",), (), ()),
    ("inventory", (), (), ("stock:42",)),
    ("mailer", ("notifications",), (), ()),
]
publishers = [
    ("chat-backend", "chat:lobby", lambda t: 40 + 30 * math.sin(t / 2), False),
    ("help-desk", "chat:help", lambda t: 3, False),
    ("checkout-eu", "orders.eu", lambda t: 25 if int(t) % 6 < 3 else 5, False),
    ("checkout-us", "orders.us", lambda t: 12 + t, False),
    ("alerts", "notifications", lambda t: 2, False),
    ("warehouse", "stock:42", lambda t: 8, True),
]
threads = [threading.Thread(target=subscriber, args=s, daemon=True) for s in subscribers]
for thread in threads:
    thread.start()
time.sleep(0.5)
threads += [threading.Thread(target=publisher, args=p, daemon=True) for p in publishers]
for thread in threads[len(subscribers):]:
    thread.start()
while time.time() < deadline:
    time.sleep(0.5)
