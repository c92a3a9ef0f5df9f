// Preloaded (`--require`) into a manager child process: SIGKILLs it the moment it writes the audit entry of one target.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { loadSqlite } from 'secret-sync-manager/dist/quiet-sqlite';

/** The environment variable naming the target (a secret name or token id) whose audit insert kills the process. */
export const KILL_AT_AUDIT_ENV = 'SECRET_SYNC_TEST_KILL_AT_AUDIT';

const target = process.env[KILL_AT_AUDIT_ENV];
if (target !== undefined && target !== '') {
  const proto = loadSqlite().DatabaseSync.prototype;
  const prepare = proto.prepare;
  proto.prepare = function (this: DatabaseSync, sql: string): StatementSync {
    const statement = prepare.call(this, sql);
    if (/^\s*INSERT INTO audit\b/i.test(sql)) {
      const run = statement.run.bind(statement);
      // The process dies before the entry is written: whatever the manager committed before is all a restart finds.
      statement.run = ((...params: SQLInputValue[]) => {
        if (params.includes(target)) process.kill(process.pid, 'SIGKILL');
        return run(...params);
      }) as StatementSync['run'];
    }
    return statement;
  };
}
