// Node-RED adminAuth users for tests (an admin and a read-only user) and logging in as them.
import { request } from './http';

/** Plain-text passwords of the test users (test only). */
export const PASSWORDS = { admin: 'admin-password-for-tests', reader: 'reader-password-for-tests' } as const;
const SCOPES = { admin: '*', reader: 'read' } as const;

/** An `adminAuth` setting with user `admin` (all permissions) and `reader` (read only). */
export function adminAuthSettings(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bcrypt = require('bcryptjs') as { hashSync(text: string, rounds: number): string };
  return {
    type: 'credentials',
    users: [
      { username: 'admin', password: bcrypt.hashSync(PASSWORDS.admin, 4), permissions: '*' },
      { username: 'reader', password: bcrypt.hashSync(PASSWORDS.reader, 4), permissions: 'read' },
    ],
  };
}

/** Logs in as `user` and returns its bearer token. */
export async function login(url: string, user: keyof typeof PASSWORDS): Promise<string> {
  const res = await request('POST', `${url}/auth/token`, {
    body: { client_id: 'node-red-admin', grant_type: 'password', scope: SCOPES[user], username: user, password: PASSWORDS[user] },
  });
  const token = (res.body as { access_token?: string } | undefined)?.access_token;
  if (!token) throw new Error(`login as ${user} failed: HTTP ${res.status}`);
  return token;
}
