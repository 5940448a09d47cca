"""Celery with the Redis broker and result backend (blocking list pops, pub/sub for results,
sorted sets for countdowns) against one server: a worker in this process runs tasks, a group
and a retry. Prints the outcome as JSON on stdout, for run.sh to compare between qkv and
redis-server, and the failed checks on stderr; exits non-zero on any."""
import json
import sys

from celery import Celery, group
from celery.contrib.testing.worker import start_worker

url = f"redis://127.0.0.1:{sys.argv[1]}/0"
app = Celery("qkvapps", broker=url, backend=url)
app.conf.update(broker_connection_retry_on_startup=False, result_expires=60,
                worker_hijack_root_logger=False)
failures = []
attempts = []


def check(name, condition):
    if not condition:
        failures.append(name)


@app.task
def add(a, b):
    return a + b


@app.task(bind=True, max_retries=2, default_retry_delay=0.1)
def flaky(self):
    attempts.append(self.request.retries)
    if self.request.retries < 2:
        raise self.retry(exc=ValueError("not yet"))
    return "done"


@app.task
def broken():
    raise KeyError("missing")


app.backend.client.flushall()
with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
    single = add.delay(2, 3).get(timeout=10)
    sums = group(add.s(i, i) for i in range(10)).apply_async().get(timeout=10)
    retried = flaky.delay().get(timeout=10)
    failed = broken.delay()
    try:
        failed.get(timeout=10)
        error = None
    except KeyError as err:
        error = repr(err)
    outcome = {"single": single, "group": sums, "retried": [retried, attempts],
               "failed": [failed.state, error]}

check("single", single == 5)
check("group", sums == [2 * i for i in range(10)])
check("retry", retried == "done" and attempts == [0, 1, 2])
check("failure", failed.state == "FAILURE")
print(json.dumps(outcome))
for failure in failures:
    print(f"FAIL celery {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)
