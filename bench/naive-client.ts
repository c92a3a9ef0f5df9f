// The baseline client of `npm run bench`: what a flow author would write without this plugin (GET, parse, assign).
import axios from 'axios';

/** GETs a space's secrets and parses them: no validation, no freezing, no masking. */
export async function naiveGet(url: string, space: string, token: string): Promise<unknown> {
  const res = await axios.get<string>(`${url}/v1/spaces/${space}/secrets`, { headers: { authorization: `Bearer ${token}` }, responseType: 'text', transformResponse: [(d: unknown) => d] });
  return (JSON.parse(res.data) as { secrets: unknown }).secrets;
}
