// Hash routing: #/<page>?<params>. The view's state (time range, filters,
// live) lives in the URL, so that a view can be shared and reloaded.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  page: string;
  params: URLSearchParams;
}

function parse(): Route {
  const h = location.hash.replace(/^#\/?/, "");
  const [page, query] = h.split("?", 2);
  return { page: page || "logs", params: new URLSearchParams(query ?? "") };
}

export function useRoute(): Route {
  const [r, setR] = useState(parse);
  useEffect(() => {
    const on = () => setR(parse());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return r;
}

export function href(page: string, params?: URLSearchParams): string {
  const q = params?.toString();
  return "#/" + page + (q ? "?" + q : "");
}

/** Replaces the current view's params (a new history entry). */
export function navigate(page: string, params: URLSearchParams) {
  location.hash = href(page, params).slice(1);
}

const UNITS: Record<string, number> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };

/** Reads "now", "now-15m" or an RFC 3339 time. */
export function parseTime(s: string, now = Date.now()): Date | null {
  const m = /^now(?:-(\d+)([smhd]))?$/.exec(s);
  if (m) return new Date(now - (m[1] ? parseInt(m[1], 10) * UNITS[m[2]] : 0));
  const d = new Date(s);
  return isNaN(d.getTime()) ? null : d;
}

export interface Range {
  from: string;
  to: string;
}

export function rangeOf(p: URLSearchParams, def = "now-1h"): Range {
  return { from: p.get("from") || def, to: p.get("to") || "now" };
}

/** The range as absolute RFC 3339 times for the API. */
export function absolute(r: Range, now = Date.now()): { from: string; to: string } {
  const f = parseTime(r.from, now) ?? new Date(now - 36e5);
  const t = parseTime(r.to, now) ?? new Date(now);
  return { from: f.toISOString(), to: t.toISOString() };
}

export const fmtTime = (s: string | number | Date) => {
  const d = new Date(s);
  return d.toLocaleString(undefined, { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
};
