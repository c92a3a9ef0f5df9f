// What a message, a status or a log line may quote of a remote server's answer: a plain media type, or a name cut to safe characters.

/** The most characters of a remote answer that one quote holds. */
export const QUOTE_MAX = 60;

/** `type/subtype` in letters, digits, `.`, `+`, `_` and `-` (what registered media types use), lower case. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9._+-]*\/[a-z0-9][a-z0-9._+-]*$/;

/**
 * The media type of a Content-Type header (`application/json` of
 * `application/json; charset=utf-8`), lower case; undefined when the header is
 * missing, longer than {@link QUOTE_MAX} or not a media type: a server's
 * header is never copied into a message as it came.
 */
export function mediaType(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const type = header.split(';', 1)[0]!.trim().toLowerCase();
  return type.length <= QUOTE_MAX && MEDIA_TYPE.test(type) ? type : undefined;
}

/**
 * `text` as a message may quote it: letters, digits, `_`, `-`, `.` and `/`
 * kept, every other character `?` (no markup, no line break, no control
 * character), and at most `max` characters, the last one `…` when cut.
 */
export function quoteRemote(text: string, max = QUOTE_MAX): string {
  const safe = text.slice(0, max + 1).replace(/[^A-Za-z0-9_./-]/g, '?');
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}
