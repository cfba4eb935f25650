// The service registry as a grid, refreshed every 5 seconds.
import { useEffect, useState } from "preact/hooks";
import { get } from "./api";
import { fmtTime } from "./route";
import type { ServiceInfo } from "./types";

export function Services() {
  const [items, setItems] = useState<ServiceInfo[] | null>(null);
  const [err, setErr] = useState("");
  const [at, setAt] = useState("");
  useEffect(() => {
    let gone = false;
    const load = () => get<{ items: ServiceInfo[] }>("api/services").then((r) => {
      if (gone) return;
      setItems(r.items); setErr(""); setAt(new Date().toLocaleTimeString());
    }, (e) => !gone && setErr(e.message));
    load();
    const t = setInterval(load, 5000);
    return () => { gone = true; clearInterval(t); };
  }, []);
  return (
    <section aria-labelledby="services-title">
      <div class="toolbar">
        <h1 id="services-title">Services</h1>
        <span class="muted" aria-live="polite">refreshed {at}, every 5 s</span>
      </div>
      {err && <p role="alert" class="error">{err}</p>}
      {items && items.length === 0 && <p class="muted">No service has sent anything yet.</p>}
      <ul class="grid" aria-label="Services">
        {items?.map((s) => (
          <li class={"card state-" + s.state} data-service={s.name}>
            <h2>{s.name}</h2>
            <p><span class={"badge st-" + s.state} data-testid="state">{s.state}</span></p>
            <dl>
              <dt>last heartbeat</dt><dd>{s.last_heartbeat ? fmtTime(s.last_heartbeat) : "never"}</dd>
              <dt>last seen</dt><dd>{fmtTime(s.last_seen)}</dd>
              {s.instance && <><dt>instance</dt><dd>{s.instance}</dd></>}
              {s.interval_seconds ? <><dt>interval</dt><dd>{s.interval_seconds} s</dd></> : null}
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
