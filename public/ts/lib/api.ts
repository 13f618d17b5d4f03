/**
 * Calls to the store's own API. Errors come back as `{ error: { code, message } }`
 * and are thrown as ApiError with the server's stable code and safe message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ApiReply<T> {
  body: T;
  headers: Headers;
  status: number;
}

export async function apiReply<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiReply<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The store could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `The store answered ${res.status}.`, error?.details);
  }
  return { body: json as T, headers: res.headers, status: res.status };
}

export async function api<T>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return (await apiReply<T>(method, url, body, headers)).body;
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : 'Something went wrong.');

/** Sends the image chosen in `input` as the multipart field `name` with PUT; the answer, or the server's message as an error. */
export function putImage<T>(url: string, name: string, input: HTMLInputElement): Promise<T> {
  return sendFile<T>('PUT', url, name, input, 'Choose an image first.');
}

/** Sends the file chosen in `input` as the multipart field `name`; the server's message when it refuses. */
export async function sendFile<T>(method: string, url: string, name: string, input: HTMLInputElement, none: string): Promise<T> {
  const file = input.files?.[0];
  if (!file) throw new Error(none);
  const form = new FormData();
  form.set(name, file);
  const res = await fetch(url, { method, body: form, credentials: 'same-origin' });
  const body = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok || body.error) throw new Error(body.error?.message ?? `The upload failed (${res.status}).`);
  return body;
}
