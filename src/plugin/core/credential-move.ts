// "Move to Secret Manager": checks a move request, reads the literal of one current finding from the runtime's memory, creates the secret through the provider's write, and answers the reference to put in.
import { SECRETS_KEY } from '../../shared/contract';
import type { MoveAnswer, MoveRequest } from '../../shared/contract';
import { isPlainObject } from '../../shared/guards';
import { nameProblem } from '../../shared/names';
import { SyncError } from '../../shared/sync-error';
import type { SecretProvider } from '../../providers/provider';
import type { CredentialFindings } from './credential-findings';

/** Longest node id, property path and credential a move accepts. */
export const MOVE_LIMITS = { id: 128, property: 512, credential: 8192, line: 1_000_000 } as const;
/** Most moves under way at once (each is a request to the provider); one more is `move_busy`. */
export const MAX_MOVES_IN_FLIGHT = 4;
/** How long the provider's write may take. */
const WRITE_TIMEOUT_MS = 15_000;

/** What a move needs. */
export interface MoveDeps {
  findings: CredentialFindings;
  /** The configured provider, or undefined when the plugin is not syncing. */
  provider: () => SecretProvider | undefined;
  /** Syncs after a write, so the next deploy reads the new secret. */
  sync: () => Promise<unknown>;
}

/** What the route logs and audits of one move: names only. */
export interface MoveOutcome {
  answer: MoveAnswer;
  type: string;
}

function invalid(field: string, message: string): SyncError {
  return new SyncError('invalid_move', message, { field });
}

/** Fewest characters of a credential looked for inside a name (a shorter one is no real credential, and would match words). */
const MIN_CREDENTIAL_IN_NAME = 8;

/** Whether `name` is, or holds, `credential`: a move's name is logged, audited and written into the flow. */
export function holdsCredential(name: string, credential: string): boolean {
  return name === credential || (credential.length >= MIN_CREDENTIAL_IN_NAME && name.includes(credential));
}

/** The request, checked field by field (types, bounds, the manager's naming rule); throws `invalid_move` naming the field. */
export function parseMoveRequest(body: unknown): MoveRequest {
  if (!isPlainObject(body)) throw invalid('body', 'The body must be a JSON object');
  const text = (field: 'id' | 'property' | 'credential', max: number): string => {
    const value = body[field];
    if (typeof value !== 'string' || value === '') throw invalid(field, `${field} must be a non-empty string`);
    if (value.length > max) throw invalid(field, `${field} is longer than ${max} characters`);
    return value;
  };
  const id = text('id', MOVE_LIMITS.id);
  const property = text('property', MOVE_LIMITS.property);
  const credential = text('credential', MOVE_LIMITS.credential);
  const name = body.name;
  if (typeof name !== 'string') throw invalid('name', 'name must be a string');
  const problem = nameProblem(name);
  if (problem !== undefined) throw invalid('name', `name is not a valid secret name: ${problem}`);
  // A manager token is a valid name: pasted into both fields it would become a secret's name, a reference in the flow and a log line.
  if (holdsCredential(name, credential)) throw invalid('name', 'name holds the credential: put it in the credential field only');
  const scope = body.scope;
  if (scope !== 'space' && scope !== 'org') throw invalid('scope', "scope must be 'space' or 'org'");
  const line = body.line;
  if (line !== undefined && (typeof line !== 'number' || !Number.isSafeInteger(line) || line < 1 || line > MOVE_LIMITS.line)) throw invalid('line', 'line must be a whole number from 1');
  return { id, property, name, scope, credential, ...(line === undefined ? {} : { line }) };
}

/**
 * {@link moveFinding} with a bound: at most {@link MAX_MOVES_IN_FLIGHT} at
 * once, so a burst of requests cannot open a request to the provider each.
 */
export function boundedMover(deps: MoveDeps): (body: unknown) => Promise<MoveOutcome> {
  let inFlight = 0;
  return async (body) => {
    if (inFlight >= MAX_MOVES_IN_FLIGHT) throw new SyncError('move_busy', `${MAX_MOVES_IN_FLIGHT} moves are under way: try again when one has finished`);
    inFlight++;
    try {
      return await moveFinding(body, deps);
    } finally {
      inFlight--;
    }
  };
}

/**
 * Moves one finding of the last scan: only a current finding can be read (a
 * node id and property that no finding names answer `finding_not_found`, so
 * the route never reads any other property), the credential is handed to the
 * provider for this one write and dropped.
 */
export async function moveFinding(body: unknown, deps: MoveDeps): Promise<MoveOutcome> {
  const request = parseMoveRequest(body);
  const source = deps.findings.moveSource(request.id, request.property, request.line);
  if (!source) throw new SyncError('finding_not_found', 'No current finding is at that node and property (deployed since? the list is scanned again after each deploy)');
  const provider = deps.provider();
  if (!provider?.createSecret) {
    const name = provider?.name ?? 'none';
    throw new SyncError('move_unsupported', `The configured provider (${name}) cannot create secrets: create '${request.name}' in it by hand, then put the reference in`);
  }
  const { existed } = await provider.createSecret({ name: request.name, value: source.literal, scope: request.scope, credential: request.credential, signal: AbortSignal.timeout(WRITE_TIMEOUT_MS) });
  // The new secret is read before the answer, so the reference resolves at the deploy that follows.
  await deps.sync();
  const { finding } = source.kept;
  const reference = finding.movable ? `\${${SECRETS_KEY}.${request.name}}` : `env.get('${SECRETS_KEY}.${request.name}')`;
  return { answer: { reference, name: request.name, scope: request.scope, existed }, type: finding.type };
}
