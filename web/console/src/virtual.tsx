// A virtualized list of fixed-height rows: only the rows in view (plus a
// margin) are in the DOM, so that tens of thousands of lines scroll smoothly.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export const ROW = 28;

export function VirtualList<T>({ items, row, height, label }: { items: T[]; row: (item: T, i: number) => ComponentChildren; height: number; label: string }) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW) - 10);
  const last = Math.min(items.length, Math.ceil((top + height) / ROW) + 10);
  const rows = [];
  for (let i = first; i < last; i++) rows.push(row(items[i], i));
  return (
    <div class="vlist" style={{ height: height + "px" }} onScroll={(e) => setTop(e.currentTarget.scrollTop)} role="list" aria-label={label} tabIndex={0}>
      <div style={{ height: items.length * ROW + "px", position: "relative" }}>
        <div style={{ transform: `translateY(${first * ROW}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
