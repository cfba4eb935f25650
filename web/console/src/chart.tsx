// uPlot in Preact: a chart that is rebuilt when its data or options change
// and resized with its container.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export function Chart({ opts, data, label }: { opts: Omit<uPlot.Options, "width">; data: uPlot.AlignedData; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = el.current!;
    const plot = new uPlot({ ...opts, width: Math.max(200, box.clientWidth) } as uPlot.Options, data, box);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(200, box.clientWidth), height: opts.height }));
    ro.observe(box);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [opts, data]);
  return <div ref={el} class="chart" role="img" aria-label={label} />;
}

/** Distinct colours that read on light and dark backgrounds. */
export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

export const GROUP_COLOURS: Record<string, string> = {
  trace: "#9aa5b1", debug: "#76b7b2", info: "#4e79a7", warn: "#edc948", error: "#e15759", fatal: "#8b1e3f",
  low: "#76b7b2", medium: "#edc948", high: "#f28e2b", critical: "#e15759",
};
