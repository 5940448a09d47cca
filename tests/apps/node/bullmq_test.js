// BullMQ (Lua scripts, blocking list commands and stream events) against one server. Prints
// the outcome as JSON on stdout, for run.sh to compare between qkv and redis-server, and the
// failed checks on stderr; exits non-zero on any failed check.
'use strict';
const { Queue, Worker, QueueEvents, FlowProducer } = require('bullmq');
const Redis = require('ioredis');

const port = Number(process.argv[2]);
const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
const failures = [];
const check = (name, condition) => { if (!condition) failures.push(name); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = {};

// Resolves when cond() holds, polling; rejects after limitMs so a hang is a failure.
async function until(name, cond, limitMs = 15000) {
    const deadline = Date.now() + limitMs;
    while (!(await cond())) {
        if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${name}`);
        await sleep(20);
    }
}

// Jobs that succeed with progress, fail for good after retries, fail once then succeed, and
// wait for a delay; QueueEvents (an XREAD BLOCK on the events stream) sees all of it.
async function jobsAndEvents() {
    const queue = new Queue('jobs', { connection });
    // From the stream's start: a '$' read issued after the first add would miss events.
    const events = new QueueEvents('jobs', { connection, lastEventId: '0' });
    await events.waitUntilReady();
    const seen = { completed: 0, failed: 0, progress: 0, delayed: 0, waiting: 0, added: 0 };
    for (const name of Object.keys(seen))
        events.on(name, () => ++seen[name]);
    const delayedDone = {};
    events.on('completed', ({ jobId, returnvalue }) => { delayedDone[jobId] = returnvalue; });

    const jobs = 40;
    for (let i = 0; i < jobs; ++i)
        await queue.add('sum', { a: i, b: 2 * i });
    await queue.add('flaky', {}, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    await queue.add('broken', {}, { attempts: 3, backoff: { type: 'exponential', delay: 20 } });
    const addedAt = Date.now();
    const delayed = await queue.add('late', { at: addedAt }, { delay: 400 });
    check('delayed job state', (await delayed.getState()) === 'delayed');

    let flakyRuns = 0;
    const worker = new Worker('jobs', async (job) => {
        switch (job.name) {
        case 'sum':
            await job.updateProgress(50);
            await job.updateProgress({ step: 'done' });
            return job.data.a + job.data.b;
        case 'flaky':
            if (++flakyRuns === 1)
                throw new Error('first try fails');
            return 'second try';
        case 'broken':
            throw new Error(`attempt ${job.attemptsMade + 1} broke`);
        default:
            return Date.now() - job.data.at;
        }
    }, { connection, concurrency: 4 });

    await until('jobs to finish', async () => {
        const counts = await queue.getJobCounts('completed', 'failed');
        return counts.completed === jobs + 2 && counts.failed === 1;
    });
    await until('events to arrive', async () => seen.completed === jobs + 2 && seen.failed === 1);

    const completed = await queue.getJobs(['completed'], 0, -1, true);
    const failed = await queue.getJobs(['failed']);
    const sums = completed.filter((j) => j.name === 'sum');
    check('sum results', sums.every((j) => j.returnvalue === 3 * j.data.a));
    check('progress kept', sums.every((j) => JSON.stringify(j.progress) === '{"step":"done"}'));
    const late = completed.find((j) => j.name === 'late');
    check('delay respected', late.returnvalue >= 390);
    check('delayed seen by events', delayedDone[late.id] !== undefined);
    const flaky = completed.find((j) => j.name === 'flaky');

    outcome.jobs = {
        counts: await queue.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed'),
        sumTotal: sums.reduce((total, j) => total + j.returnvalue, 0),
        flaky: [flaky.attemptsMade, flaky.returnvalue],
        broken: failed.map((j) => [j.name, j.attemptsMade, j.failedReason, j.stacktrace.length]),
        brokenState: await failed[0].getState(),
        events: seen,
    };
    check('flaky retried once', flaky.attemptsMade === 2);
    check('broken attempts', failed.length === 1 && failed[0].attemptsMade === 3);

    // A failed job retried by hand runs again (and fails again).
    await failed[0].retry();
    await until('manual retry', async () => (await queue.getJobCounts('failed')).failed === 1
                                          && seen.failed === 2);
    outcome.jobs.afterRetry = (await queue.getJob(failed[0].id)).failedReason;

    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    outcome.jobs.obliterated = (await queue.getJobCounts()).completed;
    await queue.close();
}

// Priorities (a sorted set and Lua) order jobs added while the queue is paused; the
// queue's pause and resume rename the wait list.
async function priorities() {
    const queue = new Queue('prio', { connection });
    await queue.pause();
    const order = [];
    for (const [name, priority] of [['p5', 5], ['p1', 1], ['p3', 3], ['none', 0], ['p2', 2]])
        await queue.add(name, {}, priority ? { priority } : {});
    check('paused', await queue.isPaused());
    const worker = new Worker('prio', async (job) => { order.push(job.name); },
                              { connection, concurrency: 1 });
    await sleep(200);
    check('nothing runs while paused', order.length === 0);
    await queue.resume();
    await until('priority jobs', async () => order.length === 5);
    outcome.priorities = order;
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
}

// A flow: a parent that runs after its children and reads their results.
async function flow() {
    const producer = new FlowProducer({ connection });
    const results = {};
    const worker = new Worker('flow', async (job) => {
        if (job.name !== 'parent')
            return job.data.n * 10;
        const values = Object.values(await job.getChildrenValues()).sort((x, y) => x - y);
        results.parent = values;
        return values.reduce((x, y) => x + y, 0);
    }, { connection, concurrency: 2 });
    const tree = await producer.add({
        name: 'parent', queueName: 'flow',
        children: [1, 2, 3].map((n) => ({ name: `child${n}`, queueName: 'flow', data: { n } })),
    });
    check('parent waits', (await tree.job.getState()) === 'waiting-children');
    const queue = new Queue('flow', { connection });
    await until('flow', async () => (await queue.getJobCounts('completed')).completed === 4);
    outcome.flow = [results.parent, (await queue.getJob(tree.job.id)).returnvalue];
    await worker.close();
    await producer.close();
    await queue.obliterate({ force: true });
    await queue.close();
}

// A job scheduler (repeatable job) producing a bounded number of runs.
async function scheduler() {
    const queue = new Queue('repeat', { connection });
    let runs = 0;
    const worker = new Worker('repeat', async () => ++runs, { connection });
    await queue.upsertJobScheduler('tick', { every: 100, limit: 3 }, { name: 'tick' });
    await until('three ticks', async () => runs === 3);
    await sleep(300);
    const schedulers = await queue.getJobSchedulers();
    outcome.scheduler = { runs, schedulers: schedulers.length };
    check('scheduler limit', runs === 3);
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
}

// A rate-limited worker (a Lua-kept limiter key with its expiry), job logs, and jobs removed
// once completed.
async function limited() {
    const queue = new Queue('limited', { connection });
    const started = Date.now();
    const worker = new Worker('limited', async (job) => {
        await job.log(`run ${job.data.n}`);
        return job.data.n;
    }, { connection, concurrency: 3, limiter: { max: 2, duration: 300 } });
    const jobs = [];
    for (let n = 0; n < 6; ++n)
        jobs.push(await queue.add('n', { n }, { removeOnComplete: n % 2 === 0 }));
    await until('limited jobs', async () => (await queue.getJobCounts('completed')).completed === 3
                                          && (await queue.getJobCounts('wait')).wait === 0
                                          && (await queue.getJobCounts('active')).active === 0);
    check('rate limited', Date.now() - started >= 550);
    const kept = await queue.getJobs(['completed']);
    const logs = await queue.getJobLogs(jobs[1].id);
    outcome.limited = { kept: kept.map((j) => j.data.n).sort(), logs,
                        removed: (await queue.getJob(jobs[0].id)) === undefined };
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
}

async function main() {
    const admin = new Redis(connection);
    await admin.flushall();
    admin.disconnect();
    for (const part of [jobsAndEvents, priorities, flow, scheduler, limited]) {
        try {
            await part();
        } catch (err) {
            failures.push(`${part.name}: ${err.message}`);
        }
    }
    console.log(JSON.stringify(outcome));
    for (const failure of failures)
        console.error(`FAIL bullmq ${failure}`);
    process.exit(failures.length ? 1 : 0);
}

setTimeout(() => { console.error('FAIL bullmq: timed out'); process.exit(1); }, 90000).unref();
main();
