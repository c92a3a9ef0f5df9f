// A child process writing secrets through the manager's API without pause, printing each write the manager acknowledged.
// Run: node write-load.js <url> <admin token> <writers>; stops on SIGTERM. Each line is `ack <name> <value>`.
import { request } from './http';

const [url, token, writersText] = process.argv.slice(2);
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

/** The value writer `w` gives its `i`-th secret: unique, so a restored copy shows exactly which writes it holds. */
export function loadValue(w: number, i: number): string {
  return `load-${w}-${i}-${'v'.repeat(40)}`;
}

async function writer(w: number): Promise<void> {
  for (let i = 0; !stopping; i++) {
    const name = `LOAD_${w}_${i}`;
    const value = loadValue(w, i);
    // One at a time per writer: write i+1 is sent only after write i was acknowledged, so a consistent copy holds a prefix of each writer's writes.
    const res = await request('POST', `${url}/v1/spaces/load/secrets`, { token, body: { name, value } }).catch(() => undefined);
    if (res?.status !== 201) {
      process.stderr.write(`write ${name} failed: ${res?.status ?? 'no answer'}\n`);
      process.exit(1);
    }
    process.stdout.write(`ack ${name} ${value}\n`);
  }
}

if (require.main === module && url !== undefined && token !== undefined) {
  void Promise.all(Array.from({ length: Number(writersText ?? 2) }, (_, w) => writer(w))).then(() => process.exit(0));
}
