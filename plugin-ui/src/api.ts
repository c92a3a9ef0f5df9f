// Calls to the plugin's admin API through jQuery, which the editor has set up with the user's token.
import { ROUTES } from '../../src/shared/contract';
import type { FindingsAnswer, KeyEntry, MoveAnswer, MoveRequest, SyncStatus } from '../../src/shared/contract';

/** A refusal of the admin API: its message in plain words and its snake_case code, when it gave one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    void $.ajax({
      url: path,
      method,
      dataType: 'json',
      ...(body === undefined ? {} : { contentType: 'application/json', data: JSON.stringify(body) }),
    })
      .done((data: T) => resolve(data))
      .fail((xhr: JQuery.jqXHR) => {
        const answer = xhr.responseJSON as { message?: string; code?: string; error?: string } | undefined;
        const code = answer?.code ?? answer?.error;
        reject(new ApiError(answer?.message ?? `HTTP ${xhr.status}`, typeof code === 'string' ? code : undefined));
      });
  });
}

/** The admin API of the plugin. */
export const api = {
  status: (): Promise<SyncStatus> => call('GET', ROUTES.status),
  keys: (q: string): Promise<{ keys: KeyEntry[]; total: number }> => call('GET', `${ROUTES.keys}${q ? `?q=${encodeURIComponent(q)}` : ''}`),
  sync: (): Promise<SyncStatus> => call('POST', ROUTES.sync),
  restart: (): Promise<SyncStatus> => call('POST', ROUTES.restart),
  findings: (): Promise<FindingsAnswer> => call('GET', ROUTES.findings),
  /** The body holds a write credential: the caller drops its copy as soon as this is called (README, "Move existing credentials"). */
  move: (request: MoveRequest): Promise<MoveAnswer> => call('POST', ROUTES.move, request),
  preferences: (prefs: { interval?: string; syncOnDeploy?: boolean }): Promise<SyncStatus> => call('PUT', ROUTES.preferences, prefs),
};
