#!/usr/bin/env python3
"""Generates resources/commanddocs.json (COMMAND DOCS data) from a live redis-server 7.0.

usage: scripts/gendocs.py PORT > resources/commanddocs.json

Every command and subcommand the server has goes in, keyed by qkv's full name ("get",
"client|list"); a parent's entry leaves its subcommands out (qkv writes those from its own
table). One command a line, keys sorted, so that a regeneration diffs line by line.

JSON objects have no order, so the field order of the reply is not kept: the C++ writer
(replyCommandDocs in server/core/commands/servercommands.cpp) writes the fields in Redis's
fixed order, and this script refuses a reply whose fields it would not write back the same
way. Lists (arguments, history, flags) keep the server's order."""
import json, socket, sys

# The order in which Redis 7.0 writes the fields (addReplyCommandDocs, addReplyCommandArgList),
# and so the order servercommands.cpp writes them back in.
DOC_FIELDS = ['summary', 'since', 'group', 'complexity', 'doc_flags', 'deprecated_since',
              'replaced_by', 'history', 'arguments', 'subcommands']
ARG_FIELDS = ['name', 'type', 'key_spec_index', 'token', 'summary', 'since',
              'deprecated_since', 'flags', 'arguments']
# Fields servercommands.cpp always writes, and those it writes only when not empty (where
# Redis tests for NULL).
REQUIRED = {'group', 'name', 'type'}
NON_EMPTY = {'doc_flags', 'history', 'arguments', 'flags'}


def enc(args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        a = a.encode()
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out


class Conn:
    """A RESP2 connection: bulk and simple strings as str, integers as int, arrays as lists."""

    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port))
        self.buf = b''
        self.pos = 0

    def more(self):
        data = self.s.recv(1 << 20)
        if not data:
            sys.exit('connection closed')
        self.buf += data

    def line(self):
        while self.buf.find(b'\r\n', self.pos) < 0:
            self.more()
        i = self.buf.index(b'\r\n', self.pos)
        l = self.buf[self.pos:i]
        self.pos = i + 2
        return l

    def parse(self):
        l = self.line()
        t, rest = l[:1], l[1:]
        if t == b'+':
            return rest.decode()
        if t == b'-':
            sys.exit('error reply: ' + rest.decode())
        if t == b':':
            return int(rest)
        if t == b'$':
            n = int(rest)
            while len(self.buf) - self.pos < n + 2:
                self.more()
            v = self.buf[self.pos:self.pos + n]
            self.pos += n + 2
            return v.decode()
        if t == b'*':
            return [self.parse() for _ in range(int(rest))]
        raise ValueError(l)

    def cmd(self, *a):
        self.s.sendall(enc(a))
        self.buf = b''
        self.pos = 0
        return self.parse()


def fields(where, flat, order):
    """A reply's flat key/value list as a dict, after checking that its keys are known and come
    in the order the C++ writer writes them."""
    keys = flat[0::2]
    unknown = [k for k in keys if k not in order]
    if unknown:
        sys.exit('%s: fields %s unknown to servercommands.cpp' % (where, unknown))
    if keys != sorted(keys, key=order.index):
        sys.exit('%s: fields in an order servercommands.cpp does not write: %s' % (where, keys))
    d = dict(zip(keys, flat[1::2]))
    missing = REQUIRED & set(order) - d.keys()
    if missing:
        sys.exit('%s: no %s, which servercommands.cpp always writes' % (where, sorted(missing)))
    for k in NON_EMPTY & d.keys():
        if not d[k]:
            sys.exit('%s: empty %s, which servercommands.cpp would leave out' % (where, k))
    return d


def argument(where, flat):
    d = fields(where, flat, ARG_FIELDS)
    if 'arguments' in d:
        d['arguments'] = [argument(where + '/' + d['name'], a) for a in d['arguments']]
    return d


def collect(name, flat, out):
    """Adds name's docs, and its subcommands' under their own names, to out."""
    d = fields(name, flat, DOC_FIELDS)
    if 'arguments' in d:
        d['arguments'] = [argument(name, a) for a in d['arguments']]
    subcommands = d.pop('subcommands', [])
    for i in range(0, len(subcommands), 2):
        collect(subcommands[i], subcommands[i + 1], out)
    out[name] = d


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    c = Conn(int(sys.argv[1]))
    info = dict(l.split(':', 1) for l in c.cmd('INFO', 'server').splitlines() if ':' in l)
    version = info['redis_version']
    if not version.startswith('7.0.'):
        sys.exit('redis-server %s: qkv follows 7.0' % version)
    docs = {}
    reply = c.cmd('COMMAND', 'DOCS')
    for i in range(0, len(reply), 2):
        collect(reply[i], reply[i + 1], docs)
    count = c.cmd('COMMAND', 'COUNT')
    if sum('|' not in name for name in docs) != count:
        sys.exit('COMMAND DOCS has %d commands, COMMAND COUNT says %d'
                 % (sum('|' not in name for name in docs), count))

    def dump(value):
        return json.dumps(value, sort_keys=True, separators=(',', ':'))

    print('{')
    print('"generated": %s,' % dump('by scripts/gendocs.py from redis-server %s\'s COMMAND DOCS: '
                                    'do not edit by hand' % version))
    print('"redis_version": %s,' % dump(version))
    print('"commands": {')
    names = sorted(docs)
    for i, name in enumerate(names):
        print('%s: %s%s' % (dump(name), dump(docs[name]), ',' if i + 1 < len(names) else ''))
    print('}')
    print('}')


main()
