import { FetchError } from './model/model-errors.js';

/** Fetches a file of this site as bytes; a 404 says what the server said (it names the fix). */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new FetchError(url, `could not be fetched (${(error as Error).message})`);
  }
  if (!response.ok) {
    const text = response.headers.get('content-type')?.startsWith('text/plain') ? (await response.text()).trim() : '';
    throw new FetchError(url, `the server answered ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
