// The manager's one levelled logger, as prefixed text lines or JSON lines. Callers pass names and codes only: never a secret value or a token.

/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** How a line is written: `text` (`<time> [secret-manager] <level>: <msg>`) or `json` (one object a line). */
export type LogFormat = 'text' | 'json';

/** Where formatted lines go; tests pass their own sink to capture and search them. */
export type LogSink = (level: LogLevel, line: string) => void;

/**
 * Structured facts of a line (a method, a status, a duration), kept as fields
 * in the JSON format and left out of the text format, whose message already
 * says them. Names and numbers only, never a value or a token.
 */
export type LogFields = Readonly<Record<string, string | number | boolean>>;

/** A levelled logger whose lines all carry the `[secret-manager]` prefix (text) or are one JSON object each (json). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether lines of `level` are written: a hot path builds a line's text and fields only when they are. */
  enabled(level: LogLevel): boolean;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** The keys every JSON line has; a field of the same name cannot replace them. */
const CORE_KEYS = new Set(['time', 'level', 'msg']);

/** Default sink: info and below to stdout, warnings and errors to stderr. */
export const consoleSink: LogSink = (level, line) => {
  if (level === 'warn' || level === 'error') process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
};

/** Parses a level name, falling back to `info` for anything unknown. */
export function parseLogLevel(value: string | undefined): LogLevel {
  return value !== undefined && value in ORDER ? (value as LogLevel) : 'info';
}

/** Parses a format name, falling back to `text` for anything unknown. */
export function parseLogFormat(value: string | undefined): LogFormat {
  return value === 'json' ? 'json' : 'text';
}

/** One JSON line: time, level and msg first, then the fields; JSON.stringify escapes every line break, so it stays one line. */
function jsonLine(time: string, level: LogLevel, message: string, fields: LogFields | undefined): string {
  const entry: Record<string, string | number | boolean> = { time, level, msg: message };
  if (fields) for (const [key, value] of Object.entries(fields)) if (!CORE_KEYS.has(key)) entry[key] = value;
  return JSON.stringify(entry);
}

/** Creates a logger that drops lines below `level` and writes the rest to `sink` in `format` (README, "Operate the Secret Manager"). */
export function createLogger(options: { level?: LogLevel; format?: LogFormat; sink?: LogSink } = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const sink = options.sink ?? consoleSink;
  const json = options.format === 'json';
  const emit = (level: LogLevel, message: string, fields: LogFields | undefined): void => {
    if (ORDER[level] < threshold) return;
    const time = new Date().toISOString();
    sink(level, json ? jsonLine(time, level, message, fields) : `${time} [secret-manager] ${level}: ${message}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    enabled: (level) => ORDER[level] >= threshold,
  };
}
