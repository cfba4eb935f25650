// Alerts (live from /ws/alerts) and, for admin keys, alert rules: list and a
// form per kind that shows the server's field errors next to the fields.
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, get } from "./api";
import { LiveChannel } from "./live";
import { fmtTime } from "./route";
import type { Alert, AlertPage, AlertRule, RuleKind } from "./types";

export function Alerts({ admin }: { admin: boolean }) {
  return (
    <>
      <AlertList />
      {admin && <Rules />}
    </>
  );
}

function AlertList() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [state, setState] = useState("connecting");
  const [err, setErr] = useState("");
  const [open, setOpen] = useState<Alert | null>(null);
  useEffect(() => {
    get<AlertPage>("api/alerts", { limit: 200 }).then((p) => setAlerts((live) => merge(live, p.items)), (e) => setErr(e.message));
    const ch = new LiveChannel("ws/alerts", {}, {
      message(m) { if (m.type === "alert") setAlerts((old) => merge(old, [m.alert])); },
      state: (s) => setState(s),
    });
    ch.start();
    return () => ch.close();
  }, []);
  return (
    <section aria-labelledby="alerts-title">
      <div class="toolbar">
        <h1 id="alerts-title">Alerts</h1>
        <span class={"dot " + state} aria-hidden="true" /><span role="status">{state}</span>
      </div>
      {err && <p role="alert" class="error">{err}</p>}
      {alerts.length === 0 && <p class="muted">No alerts in the last 24 hours.</p>}
      <table class="list" aria-label="Alerts">
        <thead><tr><th>State</th><th>Rule</th><th>Severity</th><th>Labels</th><th>Value</th><th>Started</th><th>Resolved</th></tr></thead>
        <tbody>
          {alerts.map((a) => (
            <tr data-alert={a.id} data-rule={a.rule_name}>
              <td><span class={"badge al-" + a.state}>{a.state}</span></td>
              <td><button class="link" onClick={() => setOpen(a)}>{a.rule_name}</button></td>
              <td>{a.severity}</td>
              <td>{Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(", ")}</td>
              <td>{a.value}</td>
              <td>{fmtTime(a.started_at)}</td>
              <td>{a.resolved_at ? fmtTime(a.resolved_at) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <aside class="detail" aria-labelledby="alert-title">
          <div class="toolbar"><h2 id="alert-title">Alert {open.rule_name}</h2><button onClick={() => setOpen(null)}>Close</button></div>
          <table class="fields"><tbody>
            {Object.entries(open).map(([k, v]) => <tr><th scope="row">{k}</th><td>{typeof v === "object" ? JSON.stringify(v) : String(v)}</td></tr>)}
          </tbody></table>
        </aside>
      )}
    </section>
  );
}

/** Newest started first; a later version of an alert replaces the earlier. */
function merge(old: Alert[], add: Alert[]): Alert[] {
  const m = new Map(old.map((a) => [a.id, a]));
  for (const a of add) m.set(a.id, a);
  return [...m.values()].sort((a, b) => b.started_at.localeCompare(a.started_at));
}

type FieldDef = { path: string; label: string; type?: "number" | "select" | "list"; options?: string[]; hint?: string; required?: boolean };

const COMMON: FieldDef[] = [
  { path: "name", label: "Name", required: true },
  { path: "severity", label: "Severity", type: "select", options: ["", "info", "warning", "critical"] },
  { path: "for", label: "For", hint: "how long the condition must hold, e.g. 1m" },
  { path: "description", label: "Description" },
  { path: "notify.0.url", label: "Webhook URL", hint: "optional" },
];
const AGG = ["", "avg", "min", "max", "sum", "count"];
const OPS = ["", "gt", "gte", "lt", "lte"];

const KINDS: Record<RuleKind, FieldDef[]> = {
  log_count: [
    { path: "filter.service", label: "Service" },
    { path: "filter.level", label: "Levels", type: "list", hint: "comma-separated, e.g. error, fatal" },
    { path: "filter.q", label: "Text" },
    { path: "window", label: "Window", hint: "e.g. 5m" },
    { path: "op", label: "Comparison", type: "select", options: OPS },
    { path: "threshold", label: "Threshold", type: "number", required: true },
  ],
  metric_threshold: [
    { path: "filter.name", label: "Metric", required: true },
    { path: "filter.service", label: "Service" },
    { path: "aggregate", label: "Aggregate", type: "select", options: AGG.slice(1), required: true },
    { path: "window", label: "Window", hint: "e.g. 5m" },
    { path: "op", label: "Comparison", type: "select", options: OPS },
    { path: "threshold", label: "Threshold", type: "number", required: true },
  ],
  security: [
    { path: "filter.service", label: "Service" },
    { path: "filter.category", label: "Category" },
    { path: "filter.min_severity", label: "Min severity", type: "select", options: ["", "low", "medium", "high", "critical"] },
    { path: "window", label: "Window", hint: "e.g. 5m" },
    { path: "threshold", label: "Threshold", type: "number", hint: "default 0: any event" },
  ],
  heartbeat: [
    { path: "filter.service", label: "Service", hint: "every service when empty" },
    { path: "grace", label: "Grace", hint: "e.g. 30s" },
  ],
  anomaly: [
    { path: "filter.name", label: "Metric", required: true },
    { path: "filter.service", label: "Service" },
    { path: "aggregate", label: "Aggregate", type: "select", options: AGG },
    { path: "window", label: "Window", hint: "e.g. 1m" },
    { path: "sensitivity", label: "Sensitivity", type: "number", hint: "z-score, 0.5 to 20" },
    { path: "warmup", label: "Warm-up", hint: "e.g. 30m" },
  ],
};

/** Flattens a rule into form values keyed by path. */
function flatten(v: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(v) && v.every((x) => typeof x !== "object")) out[prefix] = v.join(", ");
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  else if (v !== undefined && v !== null) out[prefix] = String(v);
  return out;
}

/** Builds the rule body; a value that is not a number is sent as typed, for the server to name. */
function build(kind: RuleKind, values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = { kind };
  for (const f of [...COMMON, ...KINDS[kind]]) {
    const raw = (values[f.path] ?? "").trim();
    if (!raw) continue;
    let v: unknown = raw;
    if (f.type === "number" && raw !== "" && !isNaN(Number(raw))) v = Number(raw);
    if (f.type === "list") v = raw.split(",").map((s) => s.trim()).filter(Boolean);
    const parts = f.path.split(".");
    let o: Record<string, unknown> | unknown[] = body;
    parts.forEach((p, i) => {
      const last = i === parts.length - 1;
      const key = /^\d+$/.test(p) ? Number(p) : p;
      const cur = o as Record<string | number, unknown>;
      if (last) cur[key] = v;
      else {
        cur[key] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
        o = cur[key] as Record<string, unknown>;
      }
    });
  }
  if (body.notify) body.notify = (body.notify as { url: string }[]).map((n) => ({ type: "webhook", ...n }));
  return body;
}

function Rules() {
  const [rules, setRules] = useState<AlertRule[]>([]);
  const [editing, setEditing] = useState<AlertRule | "new" | null>(null);
  const [err, setErr] = useState("");
  const load = () => get<{ items: AlertRule[] }>("api/alert-rules").then((r) => setRules(r.items), (e) => setErr(e.message));
  useEffect(() => void load(), []);
  const remove = async (r: AlertRule) => {
    if (!confirm(`Delete rule ${r.name}?`)) return;
    try { await call("DELETE", `api/alert-rules/${encodeURIComponent(r.id)}`); load(); } catch (x) { setErr((x as Error).message); }
  };
  return (
    <section aria-labelledby="rules-title">
      <div class="toolbar">
        <h1 id="rules-title">Alert rules</h1>
        <button onClick={() => setEditing("new")}>New rule</button>
      </div>
      {err && <p role="alert" class="error">{err}</p>}
      {editing && <RuleForm rule={editing === "new" ? null : editing} onDone={() => { setEditing(null); load(); }} />}
      <table class="list" aria-label="Alert rules">
        <thead><tr><th>Name</th><th>Kind</th><th>Updated</th><th /></tr></thead>
        <tbody>
          {rules.map((r) => (
            <tr data-rule={r.name}>
              <td>{r.name}</td><td>{r.kind}</td><td>{fmtTime(r.updated_at)}</td>
              <td><button onClick={() => setEditing(r)}>Edit</button> <button onClick={() => remove(r)}>Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RuleForm({ rule, onDone }: { rule: AlertRule | null; onDone: () => void }) {
  const [kind, setKind] = useState<RuleKind>(rule?.kind ?? "log_count");
  const [values, setValues] = useState<Record<string, string>>(() => (rule ? flatten(rule) : {}));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [err, setErr] = useState("");
  const fields = [...COMMON.slice(0, 1), ...KINDS[kind], ...COMMON.slice(1)];
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setErrors({}); setErr("");
    try {
      const body = build(kind, values);
      if (rule) await call("PUT", `api/alert-rules/${encodeURIComponent(rule.id)}`, body);
      else await call("POST", "api/alert-rules", body);
      onDone();
    } catch (x) {
      if (x instanceof ApiError) {
        const fe = x.fieldErrors();
        setErrors(fe);
        const known = new Set(fields.map((f) => f.path.replace(".0.", "[0].")));
        const unmatched = Object.keys(fe).filter((k) => !known.has(k) && !fields.some((f) => f.path === k));
        setErr(unmatched.length || !Object.keys(fe).length ? x.message : "Fix the fields marked below.");
      } else setErr((x as Error).message);
    }
  };
  const errorFor = (path: string) => errors[path] ?? errors[path.replace(".0.", "[0].")] ?? errors[path.replace(/\.0\./, "/0/")];
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="ruleform-title" noValidate>
      <h2 id="ruleform-title">{rule ? `Edit ${rule.name}` : "New rule"}</h2>
      <label>Kind
        <select name="kind" value={kind} disabled={!!rule} onChange={(e) => setKind(e.currentTarget.value as RuleKind)}>
          {Object.keys(KINDS).map((k) => <option value={k}>{k}</option>)}
        </select>
      </label>
      {err && <p role="alert" class="error">{err}</p>}
      {fields.map((f) => {
        const id = "rf-" + f.path.replace(/\W/g, "-");
        const fe = errorFor(f.path);
        return (
          <div class="field">
            <label for={id}>{f.label}{f.required ? " *" : ""}</label>
            {f.type === "select" ? (
              <select id={id} name={f.path} value={values[f.path] ?? ""} aria-invalid={!!fe} aria-describedby={fe ? id + "-err" : undefined}
                onChange={(e) => setValues({ ...values, [f.path]: e.currentTarget.value })}>
                {f.options!.map((o) => <option value={o}>{o || "default"}</option>)}
              </select>
            ) : (
              <input id={id} name={f.path} value={values[f.path] ?? ""} aria-invalid={!!fe} aria-describedby={fe ? id + "-err" : f.hint ? id + "-hint" : undefined}
                inputMode={f.type === "number" ? "decimal" : undefined}
                onInput={(e) => setValues({ ...values, [f.path]: e.currentTarget.value })} />
            )}
            {f.hint && <small id={id + "-hint"} class="muted">{f.hint}</small>}
            {fe && <small id={id + "-err"} class="error field-error" data-field={f.path}>{fe}</small>}
          </div>
        );
      })}
      <div class="toolbar">
        <button type="submit">{rule ? "Save" : "Create rule"}</button>
        <button type="button" class="link" onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
