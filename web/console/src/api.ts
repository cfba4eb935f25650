// The query API client: the key from sessionStorage as a Bearer header, JSON
// in and out, RFC 9457 problems as ApiError, 429/503 retried after
// Retry-After with a visible countdown, 401 back to sign-in.
import type { Problem } from "./types";

const KEY = "lightwatch.key";

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}
export function storeKey(k: string | null) {
  if (k) sessionStorage.setItem(KEY, k);
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(public status: number, public problem: Problem | null, message: string) {
    super(message);
  }
  /** Field errors keyed by field without its "body." prefix. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem?.errors ?? []) out[e.field.replace(/^body\.?/, "")] = e.message;
    return out;
  }
}

type Listener = (s: { retryIn: number; what: string } | null) => void;
const listeners = new Set<Listener>();
let onUnauthorized: () => void = () => {};

/** Subscribe to "retrying in N s" notices. */
export function onRetry(l: Listener) {
  listeners.add(l);
  return () => listeners.delete(l);
}
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

export type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

/** Encodes params, repeating arrays (the spec's form/explode style). */
export function qs(params: Query): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => u.append(k, String(x)));
    else u.append(k, String(v));
  }
  const s = u.toString();
  return s ? "?" + s : "";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls the API at a path relative to the page (so it works under any prefix). */
export async function call<T>(method: string, path: string, body?: unknown, key = storedKey()): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key) headers.Authorization = "Bearer " + key;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const resp = await fetch(path.replace(/^\//, ""), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (resp.ok) {
      listeners.forEach((l) => l(null));
      if (resp.status === 204) return undefined as T;
      return (await resp.json()) as T;
    }
    let problem: Problem | null = null;
    try {
      problem = (await resp.json()) as Problem;
    } catch {
      /* not a problem document */
    }
    if ((resp.status === 429 || resp.status === 503) && attempt < 5) {
      let wait = Math.max(1, parseInt(resp.headers.get("Retry-After") ?? "2", 10) || 2);
      while (wait > 0) {
        listeners.forEach((l) => l({ retryIn: wait, what: resp.status === 429 ? "Rate limited" : "Server unavailable" }));
        await sleep(1000);
        wait--;
      }
      continue;
    }
    if (resp.status === 401) onUnauthorized();
    throw new ApiError(resp.status, problem, problem?.detail || problem?.title || `${method} ${path}: ${resp.status}`);
  }
}

export const get = <T>(path: string, params: Query = {}) => call<T>("GET", path + qs(params));
