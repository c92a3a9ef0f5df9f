// `npm run bench` (floods): the attacker, in a process of its own so its work does not slow the measured reads: silent sockets, header or body drippers, one token's long polls, wrong-token guesses, sign-ins.
import http from 'node:http';
import { rawClient } from '../test/helpers/sockets';
import type { RawClient } from '../test/helpers/sockets';

const MODES = ['silent', 'drip', 'slowusage', 'slowsignin', 'longpoll', 'wrongtoken', 'signin'] as const;

/** What to flood with, read from the command line: `mode port count perSecond [token]`. */
interface Attack {
  mode: (typeof MODES)[number];
  port: number;
  /** Connections (or long polls) opened at once at the start; for wrongtoken and signin, the connections sending requests back to back. */
  count: number;
  /** New connections per second after that (sockets), or how often each ended long poll is sent again (long polls). */
  perSecond: number;
  token: string;
}

function parse(argv: string[]): Attack {
  const [mode, port, count, perSecond, token = ''] = argv;
  const known = MODES.find((m) => m === mode);
  if (known === undefined) throw new Error(`unknown mode ${String(mode)}`);
  return { mode: known, port: Number(port), count: Number(count), perSecond: Number(perSecond), token };
}

/** Requests sent (or connections opened), reported every second for the measuring process. */
let sent = 0;

/** Slow-body sign-ins come from this many loopback addresses (127.1.x.y), so each address stays within its own bound of bodies. */
const SIGN_IN_ADDRESSES = 2_000;
const signInAddress = (i: number): string => {
  const n = i % SIGN_IN_ADDRESSES;
  return `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
};

/** What a socket of `attack` sends once connected: nothing, the start of a head, or a whole head declaring a body it then drips. */
function opening(attack: Attack, i: number): string {
  const body = (method: string, path: string, length: number, auth: string): string =>
    `${method} ${path} HTTP/1.1\r\nHost: manager\r\n${auth}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  if (attack.mode === 'drip') return 'GET /v1/spaces/demo/secrets HTTP/1.1\r\nHost: manager\r\n';
  if (attack.mode === 'slowusage') return body('PUT', `/v1/spaces/hog/instances/flood-${i}/usage`, 100_000, `Authorization: Bearer ${attack.token}\r\n`);
  if (attack.mode === 'slowsignin') return body('POST', '/v1/session', 4_000, '');
  return '';
}

/**
 * Opens sockets, `count` at once, then `perSecond` more, as an attacker keeps
 * reopening: silent ones, header drippers (a header line a second), or
 * slow bodies (a whole head, then a byte of the body a second).
 */
function socketFlood(attack: Attack): void {
  const open = new Set<RawClient>();
  let opened = 0;
  const add = (): void => {
    const i = opened++;
    const client = rawClient(attack.port, attack.mode === 'slowsignin' ? signInAddress(i) : undefined);
    sent++;
    open.add(client);
    void client.ended.then(() => open.delete(client));
    const first = opening(attack, i);
    if (first !== '') void client.connected.then(() => client.closed() || client.socket.write(first));
  };
  for (let i = 0; i < attack.count; i++) add();
  let owed = 0;
  setInterval(() => {
    owed += attack.perSecond / 100;
    for (; owed >= 1; owed--) add();
  }, 10);
  if (attack.mode !== 'silent') {
    let line = 0;
    setInterval(() => {
      line++;
      const piece = attack.mode === 'drip' ? `X-Drip-${line}: a\r\n` : ' ';
      for (const client of open) if (!client.closed()) client.socket.write(piece);
    }, 1_000);
  }
}

/** Keeps `count` long polls of its token's space open, sending each again `1000 / perSecond` ms after it ends (refused or not). */
function longPollFlood(attack: Attack): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const poll = (): void => {
    const again = (): void => void setTimeout(poll, 1_000 / attack.perSecond);
    sent++;
    const req = http.get({ host: '127.0.0.1', port: attack.port, agent, path: '/v1/spaces/hog/secrets?wait=120&version=0', headers: { authorization: `Bearer ${attack.token}` } }, (res) => {
      res.resume();
      res.on('end', again);
    });
    req.on('error', again);
  };
  for (let i = 0; i < attack.count; i++) poll();
}

/**
 * Sends requests back to back on `count` keep-alive connections, as fast as
 * the manager answers: reads with a new made-up token each (wrongtoken), or
 * console sign-ins with a valid viewer token (signin).
 */
function requestFlood(attack: Attack): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: attack.count });
  const signIn = JSON.stringify({ token: attack.token });
  const next = (): void => {
    sent++;
    const guess = `ssm_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const options =
      attack.mode === 'signin'
        ? { method: 'POST', path: '/v1/session', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(signIn)) } }
        : { method: 'GET', path: '/v1/spaces/demo/secrets', headers: { authorization: `Bearer ${guess}` } };
    const req = http.request({ host: '127.0.0.1', port: attack.port, agent, ...options }, (res) => {
      res.resume();
      res.on('end', next);
    });
    req.on('error', () => void setTimeout(next, 10));
    req.end(attack.mode === 'signin' ? signIn : undefined);
  };
  for (let i = 0; i < attack.count; i++) next();
}

const attack = parse(process.argv.slice(2));
if (attack.mode === 'longpoll') longPollFlood(attack);
else if (attack.mode === 'wrongtoken' || attack.mode === 'signin') requestFlood(attack);
else socketFlood(attack);
// The measuring process waits for the first line, then for the flood to build up; then reads the count every second.
process.stdout.write('flooding\n');
setInterval(() => process.stdout.write(`sent ${sent}\n`), 1_000);
