// rate-limiter-flexible and redlock (both Lua scripts through ioredis, EVALSHA falling back to
// EVAL) against one server. Prints the outcome as JSON on stdout, for run.sh to compare
// between qkv and redis-server, and the failed checks on stderr; exits non-zero on any.
'use strict';
const Redis = require('ioredis');
const { RateLimiterRedis, BurstyRateLimiter } = require('rate-limiter-flexible');
const Redlock = require('redlock');

const port = Number(process.argv[2]);
const failures = [];
const check = (name, condition) => { if (!condition) failures.push(name); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = {};

// A rejection of rate-limiter-flexible is a RateLimiterRes, not an Error.
async function consume(limiter, key, points = 1) {
    try {
        const res = await limiter.consume(key, points);
        return ['ok', res.remainingPoints, res.consumedPoints];
    } catch (res) {
        if (res instanceof Error)
            throw res;
        return ['limited', res.remainingPoints, res.consumedPoints];
    }
}

async function rateLimits(client) {
    const limiter = new RateLimiterRedis({ storeClient: client, keyPrefix: 'rl', points: 5,
                                           duration: 2 });
    const runs = [];
    for (let i = 0; i < 7; ++i)
        runs.push(await consume(limiter, 'user1'));
    runs.push(await consume(limiter, 'user2', 3));
    const state = await limiter.get('user1');
    check('ms before next', state.msBeforeNext > 0 && state.msBeforeNext <= 2000);
    await limiter.penalty('user2', 1);
    await limiter.reward('user1', 2);
    runs.push(await consume(limiter, 'user1'));
    runs.push(await consume(limiter, 'user2'));
    await limiter.delete('user1');
    runs.push(await consume(limiter, 'user1'));
    outcome.rateLimit = runs;
    check('five of seven', runs.slice(0, 7).filter(([state]) => state === 'ok').length === 5);

    // Blocking a key for a while (a key with its own expiry) and a bursty limiter.
    await limiter.block('user3', 1);
    outcome.blocked = await consume(limiter, 'user3');
    const bursty = new BurstyRateLimiter(
        limiter, new RateLimiterRedis({ storeClient: client, keyPrefix: 'burst', points: 2,
                                        duration: 5 }));
    const burst = [];
    for (let i = 0; i < 4; ++i)
        burst.push((await consume(bursty, 'user4'))[0]);
    outcome.burst = burst;
    check('bursty', burst.join() === 'ok,ok,ok,ok');

    // The window ends with the key's expiry.
    await sleep(2100);
    outcome.afterWindow = await consume(limiter, 'user2');
    check('window expired', outcome.afterWindow[0] === 'ok');
}

async function locks(client) {
    const redlock = new Redlock([client], { retryCount: 0, driftFactor: 0.01 });
    const lock = await redlock.lock('locks:a', 1000);
    const states = [];
    try {
        await redlock.lock('locks:a', 1000);
        states.push('second lock taken');
    } catch (err) {
        states.push(err.name);
    }
    const extended = await lock.extend(5000);
    const ttl = await client.pttl('locks:a');
    check('extended', ttl > 1000 && ttl <= 5000);
    await extended.unlock();
    states.push(await client.exists('locks:a'));
    const again = await redlock.lock('locks:a', 200);
    await sleep(300);
    // An expired lock is taken by the next caller; unlocking the stale one then fails.
    const next = await redlock.lock('locks:a', 1000);
    try {
        await again.unlock();
        states.push('stale unlock succeeded');
    } catch (err) {
        states.push(err.name);
    }
    await next.unlock();
    states.push(await client.exists('locks:a'));
    outcome.locks = states;
    check('lock states', states.join() === 'LockError,0,LockError,0');
}

async function main() {
    const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
    await client.flushall();
    // An empty script cache: the first EVALSHA fails with NOSCRIPT and the libraries EVAL.
    await client.script('FLUSH');
    for (const part of [rateLimits, locks]) {
        try {
            await part(client);
        } catch (err) {
            failures.push(`${part.name}: ${err.message}`);
        }
    }
    client.disconnect();
    console.log(JSON.stringify(outcome));
    for (const failure of failures)
        console.error(`FAIL locks ${failure}`);
    process.exit(failures.length ? 1 : 0);
}

setTimeout(() => { console.error('FAIL locks: timed out'); process.exit(1); }, 60000).unref();
main();
