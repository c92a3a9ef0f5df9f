// Preloaded (`--require`) into a manager process: SIGKILLs it at one step of a master-key rotation, named by the environment.
import fs from 'node:fs';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { loadSqlite } from 'secret-sync-manager/dist/quiet-sqlite';

/**
 * The step: `reseal` as the first value is sealed again (the next key is kept, the transaction not committed),
 * `rename` after the commit, as `master.key.next` is about to be renamed over `master.key`.
 */
export const KILL_AT_ROTATION_ENV = 'SECRET_SYNC_TEST_KILL_AT_ROTATION';

const step = process.env[KILL_AT_ROTATION_ENV];
if (step === 'rename') {
  const rename = fs.renameSync;
  fs.renameSync = (from: fs.PathLike, to: fs.PathLike): void => {
    if (String(from).endsWith('.next')) process.kill(process.pid, 'SIGKILL');
    rename(from, to);
  };
}
if (step === 'reseal') {
  const proto = loadSqlite().DatabaseSync.prototype;
  const prepare = proto.prepare;
  proto.prepare = function (this: DatabaseSync, sql: string): StatementSync {
    const statement = prepare.call(this, sql);
    if (/^UPDATE secrets SET sealed = \?/.test(sql)) {
      const run = statement.run.bind(statement);
      statement.run = ((...params: SQLInputValue[]) => {
        process.kill(process.pid, 'SIGKILL');
        return run(...params);
      }) as StatementSync['run'];
    }
    return statement;
  };
}
