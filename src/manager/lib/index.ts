// Public surface of the manager package, for the demo launcher and the tests.
export { startServer, DEFAULT_PORT } from './server';
export type { RunningServer, ServerOptions } from './server';
export { createLogger } from './logger';
export type { LogFields, LogFormat, Logger, LogLevel, LogSink } from './logger';
export { ManagerError } from './errors';
export { MANAGER_ACTOR } from './audit-store';
export type { Actor, AuditEntry } from './audit-store';
export { VALIDATION_MESSAGES } from './validation';
export { NAME_PATTERN, RESERVED_NAMES } from '../../shared/names';
export type { SecretValue } from './validation';
export type { SecretMeta, SpaceSnapshot } from './secret-store';
export type { TokenRecord } from './token-store';
