// The manager's one prefixed, levelled logger. Callers pass names and codes only: never a secret value or a token.

/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where formatted lines go; tests pass their own sink to capture and search them. */
export type LogSink = (level: LogLevel, line: string) => void;

/** A levelled logger whose lines all carry the `[secret-manager]` prefix. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Default sink: info and below to stdout, warnings and errors to stderr. */
export const consoleSink: LogSink = (level, line) => {
  if (level === 'warn' || level === 'error') process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
};

/** Parses a level name, falling back to `info` for anything unknown. */
export function parseLogLevel(value: string | undefined): LogLevel {
  return value !== undefined && value in ORDER ? (value as LogLevel) : 'info';
}

/** Creates a logger that drops lines below `level` and writes the rest to `sink`. */
export function createLogger(options: { level?: LogLevel; sink?: LogSink } = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const sink = options.sink ?? consoleSink;
  const emit = (level: LogLevel, message: string): void => {
    if (ORDER[level] < threshold) return;
    sink(level, `${new Date().toISOString()} [secret-manager] ${level}: ${message}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}
