// Calls to the plugin's admin API through jQuery, which the editor has set up with the user's token.
import { ROUTES } from '../../src/shared/contract';
import type { KeyEntry, SyncStatus } from '../../src/shared/contract';

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
        const answer = xhr.responseJSON as { message?: string } | undefined;
        reject(new Error(answer?.message ?? `HTTP ${xhr.status}`));
      });
  });
}

/** The admin API of the plugin. */
export const api = {
  status: (): Promise<SyncStatus> => call('GET', ROUTES.status),
  keys: (q: string): Promise<{ keys: KeyEntry[]; total: number }> => call('GET', `${ROUTES.keys}${q ? `?q=${encodeURIComponent(q)}` : ''}`),
  sync: (): Promise<SyncStatus> => call('POST', ROUTES.sync),
  restart: (): Promise<SyncStatus> => call('POST', ROUTES.restart),
  preferences: (prefs: { interval?: string; syncOnDeploy?: boolean }): Promise<SyncStatus> => call('PUT', ROUTES.preferences, prefs),
};
