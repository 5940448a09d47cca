// ioredis against qkv-server: the calls Node applications make. Prints "ioredis: N passed,
// M failed" and exits non-zero on any failure.
'use strict';
const Redis = require('ioredis');

const port = Number(process.argv[2]);
const checks = [];
const check = (name, condition) => checks.push([name, Boolean(condition)]);

async function main() {
    // connectionName makes ioredis send CLIENT SETNAME; the ready check parses INFO.
    const r = new Redis({ port, host: '127.0.0.1', connectionName: 'io-test', lazyConnect: true,
                          maxRetriesPerRequest: 1 });
    await r.connect();
    check('ready', r.status === 'ready');
    await r.flushall();
    check('ping', (await r.ping()) === 'PONG');
    check('set/get', (await r.set('name', 'Alice')) === 'OK' && (await r.get('name')) === 'Alice');
    check('set nx', (await r.set('name', 'Bob', 'NX')) === null);
    check('set ex get', (await r.set('name', 'Carol', 'EX', 100, 'GET')) === 'Alice'
          && (await r.ttl('name')) > 0);
    check('incr', (await r.incr('n')) === 1 && (await r.incrby('n', 41)) === 42);
    check('incrbyfloat', (await r.incrbyfloat('f', '2.5')) === '2.5');
    check('mset/mget', (await r.mset({ a: '1', b: '2' })) === 'OK'
          && JSON.stringify(await r.mget('a', 'b', 'missing')) === '["1","2",null]');
    const binary = Buffer.from([0, 255, 13, 10, 1]);
    await r.set(Buffer.from('bin\x00key'), binary);
    check('binary', Buffer.compare(await r.getBuffer(Buffer.from('bin\x00key')), binary) === 0);

    const pipe = r.pipeline();
    for (let i = 0; i < 500; ++i)
        pipe.set(`user:${i}`, i);
    const results = await pipe.exec();
    check('pipeline', results.length === 500 && results.every(([err, ok]) => !err && ok === 'OK'));

    const seen = new Set();
    await new Promise((resolve, reject) => {
        r.scanStream({ match: 'user:*', count: 50 })
            .on('data', (keys) => keys.forEach((k) => seen.add(k)))
            .on('end', resolve)
            .on('error', reject);
    });
    check('scanStream', seen.size === 500);

    await r.set('short', 'x', 'PX', 100);
    const pttl = await r.pttl('short');
    await new Promise((resolve) => setTimeout(resolve, 250));
    check('expiry', pttl > 0 && pttl <= 100 && (await r.exists('short')) === 0);

    const info = await r.info();
    check('info', /redis_version:7\./.test(info) && /db0:keys=\d+,expires=\d+/.test(info));
    check('client name', (await r.client('GETNAME')) === 'io-test'
          && (await r.client('LIST')).includes('name=io-test'));

    try {
        await r.call('NOSUCHCOMMAND', 'x');
        check('error reply', false);
    } catch (err) {
        check('error reply', err.message.startsWith('ERR unknown command'));
    }

    const tx = await r.multi().set('tx:a', '1').incr('tx:a').exec();
    check('multi/exec', JSON.stringify(tx) === '[[null,"OK"],[null,2]]');
    await r.watch('tx:w');
    await r.set('tx:w', 'changed');
    check('watch', (await r.multi().get('tx:w').exec()) === null);

    // Hashes, lists, sets, sorted sets, as a cache, a job queue, tags and a leaderboard.
    await r.hset('profile:1', { name: 'Ada', visits: '1' });
    check('hash', JSON.stringify(await r.hgetall('profile:1')) === '{"name":"Ada","visits":"1"}'
          && (await r.hincrby('profile:1', 'visits', 4)) === 5);
    await r.rpush('jobs', 'a', 'b', 'c');
    check('list', JSON.stringify(await r.lrange('jobs', 0, -1)) === '["a","b","c"]'
          && (await r.lpop('jobs')) === 'a');
    const worker = new Redis({ port, host: '127.0.0.1' });
    const waiting = worker.blpop('queue', 5);
    setTimeout(() => r.rpush('queue', 'late-job'), 200);
    check('blpop worker', JSON.stringify(await waiting) === '["queue","late-job"]');
    check('blpop timeout', (await worker.blpop('empty', 0.1)) === null);
    worker.disconnect();
    await r.sadd('tags', 'x', 'y', 'z');
    check('set', (await r.scard('tags')) === 3 && (await r.sismember('tags', 'y')) === 1
          && JSON.stringify((await r.smembers('tags')).sort()) === '["x","y","z"]');
    await r.zadd('board', 30, 'ann', 10, 'bob');
    check('sorted set', JSON.stringify(await r.zrange('board', 0, -1, 'WITHSCORES'))
          === '["bob","10","ann","30"]' && (await r.zscore('board', 'ann')) === '30');

    // Pub/Sub: a subscriber connection with a channel and a pattern.
    const sub = new Redis({ port, host: '127.0.0.1' });
    const messages = [];
    sub.on('message', (channel, message) => messages.push(`${channel}:${message}`));
    sub.on('pmessage', (pattern, channel, message) =>
        messages.push(`${pattern}|${channel}:${message}`));
    check('subscribe', (await sub.subscribe('news', 'alerts')) === 2);
    check('psubscribe', (await sub.psubscribe('room.*')) === 3);
    check('publish', (await r.publish('news', 'hi')) === 1
          && (await r.publish('room.7', 'yo')) === 1 && (await r.publish('none', 'x')) === 0);
    for (let i = 0; i < 50 && messages.length < 2; ++i)
        await new Promise((resolve) => setTimeout(resolve, 20));
    check('messages', JSON.stringify(messages) === '["news:hi","room.*|room.7:yo"]');
    check('unsubscribe', (await sub.unsubscribe('news')) === 2);
    sub.disconnect();

    const db3 = new Redis({ port, host: '127.0.0.1', db: 3 });
    check('select', (await db3.set('in3', 'x')) === 'OK' && (await r.get('in3')) === null);
    db3.disconnect();
    r.disconnect();
}

main()
    .catch((err) => checks.push([`exception: ${err.message}`, false]))
    .finally(() => {
        const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
        failed.forEach((name) => console.log(`ioredis check failed: ${name}`));
        console.log(`ioredis: ${checks.length - failed.length} passed, ${failed.length} failed`);
        process.exit(failed.length ? 1 : 0);
    });
