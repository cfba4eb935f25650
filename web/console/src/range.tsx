// The time range picker: relative presets and absolute times, as URL values
// ("now-1h" or RFC 3339).
import { useEffect, useState } from "preact/hooks";
import type { Range } from "./route";

const PRESETS = ["now-5m", "now-15m", "now-1h", "now-6h", "now-24h", "now-7d"];

export function RangePicker({ range, onChange }: { range: Range; onChange: (r: Range) => void }) {
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  useEffect(() => { setFrom(range.from); setTo(range.to); }, [range.from, range.to]);
  return (
    <form class="range" onSubmit={(e) => { e.preventDefault(); onChange({ from, to }); }}>
      <label>Last
        <select value={range.to === "now" && PRESETS.includes(range.from) ? range.from : ""} onChange={(e) => e.currentTarget.value && onChange({ from: e.currentTarget.value, to: "now" })}>
          <option value="">custom</option>
          {PRESETS.map((p) => <option value={p}>{p.slice(4)}</option>)}
        </select>
      </label>
      <label>From<input name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} size={22} /></label>
      <label>To<input name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} size={22} /></label>
      <button type="submit">Apply</button>
    </form>
  );
}
