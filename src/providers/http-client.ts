// The one HTTP client setup of every provider: no redirects, a size cap, raw text answers, keep-alive, an optional extra CA.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { SyncError } from '../shared/sync-error';

/** Largest answer accepted, in bytes; a larger one is rejected whole. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * An axios instance that never follows a redirect (it would carry the token
 * to another host), caps answers at {@link MAX_RESPONSE_BYTES}, hands back
 * the body as text with any status, and trusts `caFile` besides the system
 * CAs. Throws `config_invalid` naming `caFile` when it cannot be read.
 */
export function createHttpClient(options: { baseURL?: string; caFile?: string | undefined }): AxiosInstance {
  let ca: string[] | undefined;
  if (options.caFile !== undefined) {
    try {
      ca = [...rootCertificates, readFileSync(options.caFile, 'utf8')];
    } catch {
      throw new SyncError('config_invalid', `secretSync.caFile (SECRET_SYNC_CA_FILE): cannot read ${options.caFile}`, { field: 'caFile' });
    }
  }
  return axios.create({
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    maxBodyLength: MAX_RESPONSE_BYTES,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) }),
  });
}
