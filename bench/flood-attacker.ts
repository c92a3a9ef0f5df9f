// `npm run bench` (floods): the attacker, in a process of its own so its work does not slow the measured reads: silent sockets, header drippers, or one token's long polls.
import http from 'node:http';
import { rawClient } from '../test/helpers/sockets';
import type { RawClient } from '../test/helpers/sockets';

/** What to flood with, read from the command line: `mode port count perSecond [token]`. */
interface Attack {
  mode: 'silent' | 'drip' | 'longpoll';
  port: number;
  /** Connections (or long polls) opened at once at the start. */
  count: number;
  /** New connections per second after that (sockets), or how often each ended long poll is sent again (long polls). */
  perSecond: number;
  token: string;
}

function parse(argv: string[]): Attack {
  const [mode, port, count, perSecond, token = ''] = argv;
  if (mode !== 'silent' && mode !== 'drip' && mode !== 'longpoll') throw new Error(`unknown mode ${String(mode)}`);
  return { mode, port: Number(port), count: Number(count), perSecond: Number(perSecond), token };
}

/** Opens sockets that send nothing (or drip a header line a second), `count` at once, then `perSecond` more, as an attacker keeps reopening. */
function socketFlood(attack: Attack): void {
  const open = new Set<RawClient>();
  const add = (): void => {
    const client = rawClient(attack.port);
    open.add(client);
    void client.ended.then(() => open.delete(client));
    if (attack.mode === 'drip') void client.connected.then(() => client.closed() || client.socket.write('GET /v1/spaces/demo/secrets HTTP/1.1\r\nHost: manager\r\n'));
  };
  for (let i = 0; i < attack.count; i++) add();
  let owed = 0;
  setInterval(() => {
    owed += attack.perSecond / 100;
    for (; owed >= 1; owed--) add();
  }, 10);
  if (attack.mode === 'drip') {
    let line = 0;
    setInterval(() => {
      line++;
      for (const client of open) if (!client.closed()) client.socket.write(`X-Drip-${line}: a\r\n`);
    }, 1_000);
  }
}

/** Keeps `count` long polls of its token's space open, sending each again `1000 / perSecond` ms after it ends (refused or not). */
function longPollFlood(attack: Attack): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const poll = (): void => {
    const again = (): void => void setTimeout(poll, 1_000 / attack.perSecond);
    const req = http.get({ host: '127.0.0.1', port: attack.port, agent, path: '/v1/spaces/hog/secrets?wait=120&version=0', headers: { authorization: `Bearer ${attack.token}` } }, (res) => {
      res.resume();
      res.on('end', again);
    });
    req.on('error', again);
  };
  for (let i = 0; i < attack.count; i++) poll();
}

const attack = parse(process.argv.slice(2));
if (attack.mode === 'longpoll') longPollFlood(attack);
else socketFlood(attack);
// The measuring process waits for this line, then for the flood to build up.
process.stdout.write('flooding\n');
