// Metrics: pick a metric, filter by service and labels, choose the step; one
// chart with a series per (service, labels), refreshed while the range ends now.
import { useEffect, useMemo, useState } from "preact/hooks";
import type uPlot from "uplot";
import { get } from "./api";
import { Chart, PALETTE } from "./chart";
import { RangePicker } from "./range";
import { absolute, navigate, rangeOf } from "./route";
import type { MetricNameInfo, MetricSeriesResult } from "./types";

const STEPS = ["", "10s", "30s", "1m", "5m", "15m", "1h", "1d"];
const AGGS = ["avg", "min", "max", "sum", "count"] as const;

/** A step giving at most about 600 points over the range. */
function autoStep(fromISO: string, toISO: string): string {
  const span = (Date.parse(toISO) - Date.parse(fromISO)) / 1000;
  for (const [s, secs] of [["10s", 10], ["30s", 30], ["1m", 60], ["5m", 300], ["15m", 900], ["1h", 3600]] as const) if (span / secs <= 600) return s;
  return "1d";
}

export function Metrics({ params }: { params: URLSearchParams }) {
  const [names, setNames] = useState<MetricNameInfo[]>([]);
  const [result, setResult] = useState<MetricSeriesResult | null>(null);
  const [err, setErr] = useState("");
  const [tick, setTick] = useState(0);
  const range = rangeOf(params);
  const name = params.get("name") ?? "";
  const service = params.get("service") ?? "";
  const labels = params.getAll("label");
  const step = params.get("step") ?? "";
  const agg = (params.get("agg") ?? "avg") as (typeof AGGS)[number];
  const set = (f: (p: URLSearchParams) => void) => {
    const p = new URLSearchParams(params);
    f(p);
    navigate("metrics", p);
  };
  useEffect(() => { get<{ items: MetricNameInfo[] }>("api/metrics/names").then((r) => setNames(r.items), (e) => setErr(e.message)); }, []);
  useEffect(() => {
    if (range.to !== "now") return;
    const t = setInterval(() => setTick((n) => n + 1), 10_000);
    return () => clearInterval(t);
  }, [range.to]);
  useEffect(() => {
    if (!name) return;
    const abs = absolute(range);
    get<MetricSeriesResult>("api/metrics", { name, service, label: labels, ...abs, step: step || autoStep(abs.from, abs.to) })
      .then((r) => { setResult(r); setErr(""); }, (e) => setErr(e.message));
  }, [params.toString(), tick]);
  const info = names.find((n) => n.name === name);
  const chart = useMemo(() => {
    if (!result || result.series.length === 0) return null;
    const xs = [...new Set(result.series.flatMap((s) => s.points.map((p) => Date.parse(p.ts) / 1000)))].sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const ys = result.series.map((s) => {
      const y: (number | null)[] = xs.map(() => null);
      for (const p of s.points) y[index.get(Date.parse(p.ts) / 1000)!] = p[agg];
      return y;
    });
    const opts: Omit<uPlot.Options, "width"> = {
      height: 320,
      scales: { x: { time: true } },
      axes: [{ stroke: "currentColor" }, { stroke: "currentColor", size: 60 }],
      series: [{}, ...result.series.map((s, i) => ({
        label: [s.service, ...Object.entries(s.labels).map(([k, v]) => `${k}=${v}`)].join(" "),
        stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false,
      }))],
    };
    return { opts, data: [xs, ...ys] as uPlot.AlignedData };
  }, [result, agg]);
  return (
    <section aria-labelledby="metrics-title">
      <div class="toolbar">
        <h1 id="metrics-title">Metrics</h1>
        <RangePicker range={range} onChange={(r) => set((p) => { p.set("from", r.from); p.set("to", r.to); })} />
      </div>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <label>Metric
          <select name="metric" value={name} onChange={(e) => set((p) => { p.set("name", e.currentTarget.value); p.delete("label"); p.delete("service"); })}>
            <option value="">choose…</option>
            {names.map((n) => <option value={n.name}>{n.name} ({n.type})</option>)}
          </select>
        </label>
        <label>Service
          <select value={service} onChange={(e) => set((p) => (e.currentTarget.value ? p.set("service", e.currentTarget.value) : p.delete("service")))}>
            <option value="">all</option>
            {info?.services.map((s) => <option value={s}>{s}</option>)}
          </select>
        </label>
        <label>Step
          <select name="step" value={step} onChange={(e) => set((p) => (e.currentTarget.value ? p.set("step", e.currentTarget.value) : p.delete("step")))}>
            {STEPS.map((s) => <option value={s}>{s || "auto"}</option>)}
          </select>
        </label>
        <label>Show
          <select value={agg} onChange={(e) => set((p) => p.set("agg", e.currentTarget.value))}>
            {AGGS.map((a) => <option value={a}>{a}</option>)}
          </select>
        </label>
      </form>
      {info && info.label_keys.length > 0 && (
        <LabelFilter keys={info.label_keys} labels={labels} onChange={(ls) => set((p) => { p.delete("label"); ls.forEach((l) => p.append("label", l)); })} />
      )}
      {err && <p role="alert" class="error">{err}</p>}
      {!name && <p class="muted">Choose a metric.</p>}
      {name && result && !chart && <p class="muted">No samples in this range.</p>}
      {chart && (
        <figure>
          <figcaption>{name}, {agg} per {result!.step}{range.to === "now" ? " (live)" : ""}</figcaption>
          <Chart opts={chart.opts} data={chart.data} label={`${name} over time`} />
        </figure>
      )}
    </section>
  );
}

function LabelFilter({ keys, labels, onChange }: { keys: string[]; labels: string[]; onChange: (l: string[]) => void }) {
  const [key, setKey] = useState(keys[0]);
  const [value, setValue] = useState("");
  return (
    <div class="filters">
      <ul class="chips" aria-label="Label filters">
        {labels.map((l, i) => (
          <li class="chip">{l}<button class="link" aria-label={`Remove label filter ${l}`} onClick={() => onChange(labels.filter((_, j) => j !== i))}>×</button></li>
        ))}
      </ul>
      <form class="addfilter" onSubmit={(e) => { e.preventDefault(); if (value) { onChange([...labels, `${key}=${value}`]); setValue(""); } }}>
        <label>Label<select value={key} onChange={(e) => setKey(e.currentTarget.value)}>{keys.map((k) => <option value={k}>{k}</option>)}</select></label>
        <label>Value<input value={value} onInput={(e) => setValue(e.currentTarget.value)} size={14} /></label>
        <button type="submit">Add label filter</button>
      </form>
    </div>
  );
}
