// The logs and security events explorer: time range, filter chips with
// suggestions, hits histogram (drag to zoom), the result list with keyset
// "load more", row detail with context, and live tail.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import uPlotLib from "uplot";
import { ApiError, get, qs, type Query } from "./api";
import { Chart, GROUP_COLOURS } from "./chart";
import { LiveChannel } from "./live";
import { absolute, fmtTime, navigate, rangeOf, type Range } from "./route";
import { RangePicker } from "./range";
import { ROW, VirtualList } from "./virtual";
import { LEVELS, SEVERITIES, type Event, type EventPage, type FieldValues, type Hits, type LogContext, type ServerMessage } from "./types";

export interface Kind {
  id: "logs" | "security";
  title: string;
  api: string; // listing path
  ws: string;
  groupBy: string;
  groups: string[];
  fields: { name: string; label: string; suggest?: string; options?: string[] }[];
}

export const LOGS: Kind = {
  id: "logs", title: "Logs", api: "api/logs", ws: "ws/logs", groupBy: "level", groups: LEVELS,
  fields: [
    { name: "service", label: "service", suggest: "service" },
    { name: "level", label: "level", options: LEVELS },
    { name: "host", label: "host", suggest: "host" },
    { name: "q", label: "text" },
    { name: "attr.", label: "attribute" },
  ],
};

export const SECURITY: Kind = {
  id: "security", title: "Security events", api: "api/security-events", ws: "ws/security-events", groupBy: "severity", groups: SEVERITIES,
  fields: [
    { name: "service", label: "service", suggest: "service" },
    { name: "severity", label: "severity", options: SEVERITIES },
    { name: "min_severity", label: "min severity", options: SEVERITIES },
    { name: "category", label: "category", suggest: "category" },
    { name: "actor", label: "actor", suggest: "actor" },
    { name: "src_ip", label: "source IP", suggest: "src_ip" },
    { name: "outcome", label: "outcome", options: ["success", "failure", "unknown"] },
    { name: "q", label: "text" },
  ],
};

const META = new Set(["from", "to", "live"]);

/** The filters of the view: every URL param but the range and live. */
function filtersOf(p: URLSearchParams): [string, string][] {
  return [...p.entries()].filter(([k]) => !META.has(k));
}

function toQuery(filters: [string, string][]): Query {
  const q: Record<string, string[]> = {};
  for (const [k, v] of filters) (q[k] ??= []).push(v);
  return q;
}

const groupOf = (kind: Kind, e: Event) => (kind.id === "logs" ? e.log?.level : e.security?.severity) ?? "";
const messageOf = (e: Event) => e.log?.message ?? e.security?.message ?? [e.security?.category, e.security?.action, e.security?.actor].filter(Boolean).join(" ");

export function Explorer({ kind, params }: { kind: Kind; params: URLSearchParams }) {
  const range = rangeOf(params);
  const filters = filtersOf(params);
  const live = params.get("live") === "1";
  const key = kind.id + "|" + params.toString();
  const setParams = (f: (p: URLSearchParams) => void) => {
    const p = new URLSearchParams(params);
    f(p);
    navigate(kind.id, p);
  };
  const [selected, setSelected] = useState<Event | null>(null);
  return (
    <section aria-labelledby="explorer-title">
      <div class="toolbar">
        <h1 id="explorer-title">{kind.title}</h1>
        <RangePicker range={range} onChange={(r: Range) => setParams((p) => { p.set("from", r.from); p.set("to", r.to); })} />
        <button aria-pressed={live} onClick={() => setParams((p) => (live ? p.delete("live") : p.set("live", "1")))}>
          {live ? "Stop live tail" : "Live tail"}
        </button>
      </div>
      <FilterBar kind={kind} range={range} filters={filters}
        onAdd={(k, v) => setParams((p) => p.append(k, v))}
        onRemove={(i) => setParams((p) => {
          const rest = filters.filter((_, j) => j !== i);
          for (const k of [...p.keys()]) if (!META.has(k)) p.delete(k);
          rest.forEach(([k, v]) => p.append(k, v));
        })} />
      {live ? (
        <LiveTail key={"live" + key} kind={kind} filters={filters} onSelect={setSelected} />
      ) : (
        <>
          <Histogram key={"h" + key} kind={kind} range={range} filters={filters}
            onZoom={(from, to) => setParams((p) => { p.set("from", from); p.set("to", to); })} />
          <Results key={"r" + key} kind={kind} range={range} filters={filters} onSelect={setSelected} />
        </>
      )}
      {selected && <Detail kind={kind} event={selected} filters={filters} range={range} onClose={() => setSelected(null)} />}
    </section>
  );
}

function FilterBar({ kind, range, filters, onAdd, onRemove }: {
  kind: Kind; range: Range; filters: [string, string][]; onAdd: (k: string, v: string) => void; onRemove: (i: number) => void;
}) {
  const [field, setField] = useState(kind.fields[0].name);
  const [attrKey, setAttrKey] = useState("");
  const [value, setValue] = useState("");
  const [suggestions, setSuggestions] = useState<FieldValues["items"]>([]);
  const def = kind.fields.find((f) => f.name === field) ?? kind.fields[0];
  const suggestField = def.name === "attr." ? (attrKey ? "attr." + attrKey : "") : def.suggest;
  useEffect(() => {
    setSuggestions([]);
    if (!suggestField) return;
    let gone = false;
    const t = setTimeout(() => {
      get<FieldValues>(`${kind.api}/fields/${encodeURIComponent(suggestField)}/values`, { ...toQuery(filters), ...absolute(range), limit: 20 })
        .then((v) => !gone && setSuggestions(v.items))
        .catch(() => {});
    }, 200);
    return () => { gone = true; clearTimeout(t); };
  }, [suggestField, filters.map((f) => f.join("=")).join("&"), range.from, range.to]);
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    if (!value) return;
    if (def.name === "attr.") {
      if (!attrKey) return;
      onAdd("attr." + attrKey, value);
    } else onAdd(def.name, value);
    setValue("");
  };
  return (
    <div class="filters">
      <ul class="chips" aria-label="Filters">
        {filters.map(([k, v], i) => (
          <li class="chip">
            <span>{k === "q" ? "text" : k}: {v}</span>
            <button class="link" aria-label={`Remove filter ${k} ${v}`} onClick={() => onRemove(i)}>×</button>
          </li>
        ))}
      </ul>
      <form class="addfilter" onSubmit={add}>
        <label>Field
          <select value={field} onChange={(e) => { setField(e.currentTarget.value); setValue(""); }}>
            {kind.fields.map((f) => <option value={f.name}>{f.label}</option>)}
          </select>
        </label>
        {def.name === "attr." && (
          <label>Key<input value={attrKey} onInput={(e) => setAttrKey(e.currentTarget.value)} placeholder="http.status" size={12} /></label>
        )}
        <label>Value
          {def.options ? (
            <select value={value} onChange={(e) => setValue(e.currentTarget.value)}>
              <option value="">choose…</option>
              {def.options.map((o) => <option value={o}>{o}</option>)}
            </select>
          ) : (
            <input value={value} list="suggestions" onInput={(e) => setValue(e.currentTarget.value)} size={18} />
          )}
        </label>
        <datalist id="suggestions">
          {suggestions.map((s) => <option value={s.value}>{s.count} events</option>)}
        </datalist>
        <button type="submit">Add filter</button>
      </form>
      {suggestions.length > 0 && (
        <div class="suggest" role="group" aria-label="Suggested values">
          <span class="muted">Top values:</span>
          {suggestions.slice(0, 8).map((s) => (
            <button class="chip link" onClick={() => onAdd(def.name === "attr." ? "attr." + attrKey : def.name, s.value)}>
              {s.value} <span class="muted">{s.count}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function stepSeconds(step: string): number {
  const n = parseInt(step, 10);
  return n * ({ s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[step.slice(-1)];
}

function Histogram({ kind, range, filters, onZoom }: { kind: Kind; range: Range; filters: [string, string][]; onZoom: (from: string, to: string) => void }) {
  const [hits, setHits] = useState<Hits | null>(null);
  const [err, setErr] = useState("");
  useEffect(() => {
    get<Hits>(`${kind.api}/hits`, { ...toQuery(filters), ...absolute(range), group_by: kind.groupBy }).then(setHits, (e) => setErr(e.message));
  }, []);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const chart = useMemo(() => {
    if (!hits) return null;
    const step = stepSeconds(hits.step);
    const from = Math.floor(Date.parse(hits.from) / 1000 / step) * step;
    const to = Date.parse(hits.to) / 1000;
    const xs: number[] = [];
    for (let t = from; t < to; t += step) xs.push(t);
    const index = new Map(xs.map((x, i) => [x, i]));
    const groups = kind.groups.filter((g) => hits.buckets.some((b) => b.groups?.[g]));
    const other = hits.buckets.some((b) => Object.keys(b.groups ?? {}).some((g) => !kind.groups.includes(g)));
    if (other) groups.push("other");
    const counts = groups.map(() => xs.map(() => 0));
    for (const b of hits.buckets) {
      const i = index.get(Date.parse(b.ts) / 1000);
      if (i === undefined) continue;
      for (const [g, n] of Object.entries(b.groups ?? {})) {
        const gi = groups.indexOf(kind.groups.includes(g) ? g : "other");
        counts[gi][i] += n;
      }
    }
    // Stacked: each series is drawn as the sum of itself and those below it.
    // Empty steps draw nothing (null), rather than a flat bar.
    const stacked = counts.map((own, gi) => xs.map((_, i) => (own[i] ? counts.slice(0, gi + 1).reduce((s, c) => s + c[i], 0) : null)));
    const bars = uPlotLib.paths.bars!({ size: [0.9, 40] });
    const opts: Omit<uPlot.Options, "width"> = {
      height: 140,
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: "currentColor", grid: { show: false } }, { stroke: "currentColor", size: 40 }],
      series: [
        {},
        ...groups.map((g, gi) => ({
          label: g, fill: GROUP_COLOURS[g] ?? "#888", stroke: GROUP_COLOURS[g] ?? "#888", paths: bars, points: { show: false },
          value: (_u: uPlot, _v: number, _s: number, i: number | null) => (i == null ? "–" : String(counts[gi][i])),
        })).reverse(),
      ],
      hooks: {
        setSelect: [(u: uPlot) => {
          if (u.select.width < 2) return;
          const a = u.posToVal(u.select.left, "x"), b = u.posToVal(u.select.left + u.select.width, "x");
          zoom.current(new Date(a * 1000).toISOString(), new Date(b * 1000).toISOString());
        }],
      },
    };
    const data = [xs, ...stacked.reverse()] as uPlot.AlignedData;
    const total = hits.buckets.reduce((s, b) => s + b.total, 0);
    return { opts, data, total };
  }, [hits]);
  if (err) return <p role="alert" class="error">{err}</p>;
  if (!chart) return <div class="chart placeholder" aria-busy="true" />;
  return (
    <figure class="histogram">
      <figcaption><span data-testid="hits-total">{chart.total}</span> events; step {hits!.step}. Drag across the chart to zoom in.</figcaption>
      <Chart opts={chart.opts} data={chart.data} label={`Events per ${hits!.step} by ${kind.groupBy}`} />
    </figure>
  );
}

function Row({ kind, e, onSelect, fresh }: { kind: Kind; e: Event; onSelect: (e: Event) => void; fresh?: boolean }) {
  const g = groupOf(kind, e);
  return (
    <div role="listitem" class={"row" + (fresh ? " fresh" : "")} style={{ height: ROW + "px" }}>
      <button class="rowbtn" onClick={() => onSelect(e)} data-id={e.id}>
        <time>{fmtTime(e.ts)}</time>
        <span class={"badge g-" + g}>{g}</span>
        <span class="svc">{e.service}</span>
        <span class="msg">{messageOf(e)}</span>
      </button>
    </div>
  );
}

function Results({ kind, range, filters, onSelect }: { kind: Kind; range: Range; filters: [string, string][]; onSelect: (e: Event) => void }) {
  const [items, setItems] = useState<Event[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [busy, setBusy] = useState(true);
  const [err, setErr] = useState("");
  const abs = useMemo(() => absolute(range), []);
  const load = (cursor?: string) => {
    setBusy(true);
    get<EventPage>(kind.api, { ...toQuery(filters), ...abs, limit: 100, cursor })
      .then((p) => { setItems((old) => (cursor ? old.concat(p.items) : p.items)); setNext(p.next_cursor); }, (e: ApiError) => setErr(e.message))
      .finally(() => setBusy(false));
  };
  useEffect(() => load(), []);
  return (
    <div class="results">
      {err && <p role="alert" class="error">{err}</p>}
      <p class="muted" aria-live="polite"><span data-testid="row-count">{items.length}</span> shown{next ? ", more available" : ""}</p>
      <VirtualList label="Events" items={items} height={Math.min(items.length * ROW + 2, 560)} row={(e) => <Row kind={kind} e={e} onSelect={onSelect} />} />
      {next && <button onClick={() => load(next)} disabled={busy}>Load more</button>}
      {!busy && items.length === 0 && !err && <p class="muted">No events in this range.</p>}
    </div>
  );
}

const MAX_LIVE = 10_000;

function LiveTail({ kind, filters, onSelect }: { kind: Kind; filters: [string, string][]; onSelect: (e: Event) => void }) {
  const [items, setItems] = useState<Event[]>([]);
  const [state, setState] = useState("connecting");
  const [notices, setNotices] = useState<string[]>([]);
  const [paused, setPaused] = useState(false);
  const ch = useRef<LiveChannel | null>(null);
  useEffect(() => {
    let buffer: Event[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = buffer.reverse();
      buffer = [];
      setItems((old) => batch.concat(old).slice(0, MAX_LIVE));
    };
    const notice = (s: string) => setNotices((n) => [...n.slice(-4), `${new Date().toLocaleTimeString()}: ${s}`]);
    const c = new LiveChannel(kind.ws, toQuery(filters), {
      message(m: ServerMessage) {
        switch (m.type) {
          case "event":
            buffer.push(m.event);
            if (!frame) frame = requestAnimationFrame(flush);
            break;
          case "lagged":
            notice(`the server dropped ${m.dropped} events for this view (it fell behind); query the range to see them`);
            break;
          case "reset":
            notice(`events before ${m.oldest} were trimmed from the stream while paused; some were not shown`);
            break;
          case "error":
            notice(`server: ${m.message}`);
            break;
        }
      },
      state(s, detail) {
        setState(s);
        if (detail) notice(detail);
      },
    });
    ch.current = c;
    c.start();
    return () => { c.close(); cancelAnimationFrame(frame); };
  }, []);
  return (
    <div class="results live">
      <div class="toolbar">
        <span class={"dot " + state} aria-hidden="true" />
        <span role="status" data-testid="live-state">{state}</span>
        <button onClick={() => { if (paused) ch.current?.resume(); else ch.current?.pause(); setPaused(!paused); }}>{paused ? "Resume" : "Pause"}</button>
        <button onClick={() => setItems([])}>Clear</button>
        <span class="muted"><span data-testid="row-count">{items.length}</span> events (newest first, last {MAX_LIVE.toLocaleString()} kept)</span>
      </div>
      {notices.length > 0 && <ul class="notices" role="log" aria-label="Live notices">{notices.map((n) => <li>{n}</li>)}</ul>}
      <VirtualList label="Live events" items={items} height={560} row={(e) => <Row kind={kind} e={e} onSelect={onSelect} />} />
    </div>
  );
}

function curlFor(kind: Kind, filters: [string, string][], range: Range): string {
  const url = new URL(kind.api + qs({ ...toQuery(filters), ...absolute(range) }), location.href).toString();
  return `curl -H "Authorization: Bearer $LIGHTWATCH_KEY" '${url.replace(/'/g, "'\\''")}'`;
}

function Detail({ kind, event, filters, range, onClose }: { kind: Kind; event: Event; filters: [string, string][]; range: Range; onClose: () => void }) {
  const [ctx, setCtx] = useState<LogContext | null>(null);
  const [copied, setCopied] = useState("");
  const [err, setErr] = useState("");
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => { setCtx(null); close.current?.focus(); }, [event.id]);
  const fields: [string, unknown][] = [
    ["id", event.id], ["ts", event.ts], ["received_at", event.received_at], ["service", event.service], ["host", event.host],
    ...Object.entries(event.log ?? {}), ...Object.entries(event.security ?? {}),
    ...Object.entries(event.attributes ?? {}).map(([k, v]) => ["attr." + k, v] as [string, unknown]),
  ];
  const copy = (text: string, what: string) => navigator.clipboard?.writeText(text).then(() => setCopied(what + " copied"), () => setCopied("copy failed"));
  return (
    <aside class="detail" aria-labelledby="detail-title" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <div class="toolbar">
        <h2 id="detail-title">Event {event.id}</h2>
        <button ref={close} onClick={onClose}>Close</button>
      </div>
      <table class="fields">
        <tbody>
          {fields.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => (
            <tr><th scope="row">{k}</th><td>{k === "trace_id" ? <code data-testid="trace-id">{String(v)}</code> : String(v)}</td></tr>
          ))}
        </tbody>
      </table>
      <div class="toolbar">
        <button onClick={() => copy(curlFor(kind, filters, range), "curl")}>Copy as curl</button>
        <button onClick={() => copy(JSON.stringify(event, null, 2), "JSON")}>Copy JSON</button>
        {kind.id === "logs" && (
          <button onClick={() => get<LogContext>(`api/logs/${encodeURIComponent(event.id)}/context`, { before: 10, after: 10 }).then(setCtx, (e) => setErr(e.message))}>Show context</button>
        )}
        <span role="status">{copied}</span>
      </div>
      {err && <p role="alert" class="error">{err}</p>}
      {ctx && (
        <ol class="context" aria-label="Context">
          {[...ctx.before, ctx.event, ...ctx.after].map((e) => (
            <li class={e.id === ctx.event.id ? "current" : ""} aria-current={e.id === ctx.event.id ? "true" : undefined}>
              <time>{fmtTime(e.ts)}</time> <span class={"badge g-" + groupOf(kind, e)}>{groupOf(kind, e)}</span> {messageOf(e)}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
