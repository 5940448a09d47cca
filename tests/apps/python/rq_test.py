"""RQ (Lua-free, but MULTI/EXEC pipelines, blocking list pops and sorted-set registries) with a
burst worker against one server. Prints the outcome as JSON on stdout, for run.sh to compare
between qkv and redis-server, and the failed checks on stderr; exits non-zero on any."""
import json
import sys
from operator import add, truediv

from redis import Redis
from rq import Queue, Retry, SimpleWorker
from rq.registry import FailedJobRegistry, FinishedJobRegistry


# The worker imports job functions by name, so they come from a module, not __main__.
connection = Redis(port=int(sys.argv[1]))
connection.flushall()
failures = []


def check(name, condition):
    if not condition:
        failures.append(name)


queue = Queue("default", connection=connection)
sums = [queue.enqueue(add, i, i) for i in range(20)]
broken = queue.enqueue(truediv, 1, 0, retry=Retry(max=2))
dependent = queue.enqueue(add, 100, 1, depends_on=sums[-1])
high = Queue("high", connection=connection)
urgent = high.enqueue(add, 1, 1, at_front=True)
check("queued", queue.count == 21 and high.count == 1)

# In this process (no fork): the queues in order, high first; empty queues end the burst.
SimpleWorker([high, queue], connection=connection).work(burst=True, logging_level="WARNING")

finished = FinishedJobRegistry(queue=queue)
failed = FailedJobRegistry(queue=queue)
for job in sums + [broken, dependent, urgent]:
    job.refresh()
outcome = {
    "results": [job.return_value() for job in sums],
    "dependent": [dependent.get_status(), dependent.return_value()],
    "urgent": urgent.return_value(),
    "broken": [broken.get_status(), broken.retries_left, "ZeroDivisionError" in broken.exc_info],
    "registries": [finished.count, failed.count, queue.count],
}
check("results", outcome["results"] == [2 * i for i in range(20)])
check("failed registry", failed.get_job_ids() == [broken.id])
check("dependent ran", dependent.return_value() == 101)

# Requeued from the failed registry, it fails again.
failed.requeue(broken.id)
SimpleWorker([queue], connection=connection).work(burst=True, logging_level="WARNING")
outcome["requeued"] = [failed.count, queue.count]

print(json.dumps(outcome))
for failure in failures:
    print(f"FAIL rq {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)
