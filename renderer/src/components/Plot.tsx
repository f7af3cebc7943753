// The one wrapper around plotly.js (the dist-min bundle; react-plotly.js would add 230 MB). It
// draws with Plotly.react, which diffs against the previous figure, so 10-30 redraws a second do
// not rebuild the plot; `uirevision` keeps the operator's zoom across updates. Selections on the x
// axis and dragged shapes (ROIs) are reported through callbacks held in refs, so the listeners are
// attached once. The plot follows its container's size, and is purged on unmount (plotly keeps
// state on the element otherwise), once its draws in flight are done: plotly draws in asynchronous
// steps, and a step after a purge throws (reading the purged layout's _rangeSliderData, seen in CI
// when a tab switch unmounted plots that live data kept redrawing).
import Plotly from 'plotly.js-dist-min';
import { useEffect, useRef } from 'react';
import type { Trace } from '../lib/plotData';

export type PlotLayout = Partial<Plotly.Layout> & Record<string, unknown>;

export interface PlotProps {
  /** The traces, or a function making them, called only when the plot is drawn (so expensive
   * traces, such as map images, are not made for plots out of view or between redraws). */
  data: Trace[] | (() => Trace[]);
  /** Redraws at most this often (maps need not follow every snapshot); default: every frame. */
  maxHz?: number;
  layout: PlotLayout;
  /** Called with the x range of a box selection. */
  onSelectX?: (x0: number, x1: number) => void;
  /** Called when the operator dragged or resized shape `index` to [x0, x1]. */
  onShapeX?: (index: number, x0: number, x1: number) => void;
  /** The plot element, for image export. */
  plotRef?: (el: HTMLDivElement | null) => void;
  testId?: string;
}

const AXIS = { gridcolor: '#2a313b', zerolinecolor: '#3a434f', linecolor: '#3a434f', automargin: true };

/** The dark theme every plot starts from. */
export const BASE_LAYOUT: PlotLayout = {
  paper_bgcolor: '#161a20',
  plot_bgcolor: '#161a20',
  font: { color: '#c9d3de', size: 11, family: 'Inter, system-ui, sans-serif' },
  margin: { l: 50, r: 12, t: 8, b: 38 },
  xaxis: AXIS,
  yaxis: AXIS,
  showlegend: false,
  uirevision: 'keep',
  autosize: true,
};

const CONFIG: Partial<Plotly.Config> = {
  displaylogo: false,
  responsive: false,
  scrollZoom: false,
  modeBarButtonsToRemove: ['toImage', 'lasso2d'],
};

/** Merges a plot's layout over the theme (axes merged one level deep). */
export function themed(layout: PlotLayout): PlotLayout {
  return {
    ...BASE_LAYOUT,
    ...layout,
    xaxis: { ...AXIS, ...((layout.xaxis as object) ?? {}) },
    yaxis: { ...AXIS, ...((layout.yaxis as object) ?? {}) },
  };
}

type PlotElement = HTMLDivElement & { on?: (event: string, handler: (e: unknown) => void) => void };

function traces(data: PlotProps['data']): Plotly.Data[] {
  return (typeof data === 'function' ? data() : data) as Plotly.Data[];
}

export function Plot({ data, layout, maxHz, onSelectX, onShapeX, plotRef, testId }: PlotProps) {
  const el = useRef<PlotElement | null>(null);
  const callbacks = useRef({ onSelectX, onShapeX });
  callbacks.current = { onSelectX, onShapeX };
  const ready = useRef(false);
  const latest = useRef({ data, layout });
  latest.current = { data, layout };
  // Redraws coalesce to one per animation frame, and wait while the plot is scrolled out of view:
  // at 30 snapshots a second the page draws what the operator can see, as often as the screen can.
  const visible = useRef(true);
  const frame = useRef(0);
  const drawn = useRef(latest.current);
  const minGapMs = useRef(0);
  minGapMs.current = maxHz ? 1000 / maxHz : 0;
  const lastDrawMs = useRef(-Infinity);
  const later = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** The last draw handed to plotly (each queues behind the one before it inside plotly). */
  const inFlight = useRef<Promise<unknown>>(Promise.resolve());
  const draw = useRef(() => {
    frame.current = 0;
    const node = el.current;
    if (!node || !ready.current || !visible.current || drawn.current === latest.current) return;
    const wait = lastDrawMs.current + minGapMs.current - performance.now();
    if (wait > 0) {
      // Too soon for this plot's rate: draw the newest data when its time comes.
      later.current ??= setTimeout(() => {
        later.current = null;
        if (frame.current === 0) frame.current = requestAnimationFrame(draw.current);
      }, wait);
      return;
    }
    lastDrawMs.current = performance.now();
    drawn.current = latest.current;
    // Counted on the element, so tests can see the wrapper redraw (and skip what is hidden).
    node.dataset.draws = String(Number(node.dataset.draws ?? '0') + 1);
    inFlight.current = Plotly.react(node, traces(latest.current.data), themed(latest.current.layout), CONFIG);
  });

  useEffect(() => {
    const node = el.current!;
    const first = latest.current;
    // The first draw is started here; later draws queue behind it inside plotly, so the wrapper does
    // not wait for its promise (which, on a loaded machine, can resolve long after data arrived).
    lastDrawMs.current = performance.now();
    inFlight.current = Plotly.newPlot(node, traces(first.data), themed(first.layout), CONFIG).catch(
      (err: Error) => console.error(`plot: ${err.message}`),
    );
    ready.current = true;
    drawn.current = first;
    node.on?.('plotly_selected', (e) => {
      const range = (e as { range?: { x?: [number, number] } } | undefined)?.range?.x;
      if (range && callbacks.current.onSelectX)
        callbacks.current.onSelectX(Math.min(...range), Math.max(...range));
    });
    node.on?.('plotly_relayout', (e) => {
      const changes = e as Record<string, number>;
      for (const key of Object.keys(changes)) {
        const m = /^shapes\[(\d+)\]\.x0$/.exec(key);
        if (m && callbacks.current.onShapeX) {
          const i = Number(m[1]);
          const x0 = changes[`shapes[${i}].x0`];
          const x1 = changes[`shapes[${i}].x1`];
          callbacks.current.onShapeX(i, Math.min(x0, x1), Math.max(x0, x1));
        }
      }
    });
    const resize = new ResizeObserver(() => {
      if (ready.current && node.offsetWidth > 0) void Plotly.Plots.resize(node);
    });
    resize.observe(node);
    return () => {
      ready.current = false;
      resize.disconnect();
      // Not if the element was mounted again meanwhile (React's StrictMode remounts in development).
      const purge = (): void => {
        if (!ready.current) Plotly.purge(node);
      };
      inFlight.current.then(purge, purge);
    };
    // The figure is drawn once here and updated by the effect below.
  }, []);

  useEffect(() => {
    if (frame.current === 0) frame.current = requestAnimationFrame(draw.current);
  }, [data, layout]);
  useEffect(() => {
    const seen = new IntersectionObserver(([entry]) => {
      visible.current = entry.isIntersecting;
      el.current!.dataset.visible = String(entry.isIntersecting);
      if (visible.current && frame.current === 0) frame.current = requestAnimationFrame(draw.current);
    });
    seen.observe(el.current!);
    return () => {
      seen.disconnect();
      cancelAnimationFrame(frame.current);
      if (later.current) clearTimeout(later.current);
      later.current = null;
      // A remount (React's StrictMode does one in development) must be able to schedule again.
      frame.current = 0;
    };
  }, []);

  return (
    <div
      className="plot"
      data-testid={testId}
      ref={(node) => {
        el.current = node;
        plotRef?.(node);
      }}
    />
  );
}

/** Saves a plot as a PNG file (the browser's download; Electron asks where). */
export function downloadPng(node: HTMLElement, name: string): Promise<string> {
  return Plotly.downloadImage(node, {
    format: 'png',
    filename: name,
    width: node.offsetWidth * 2,
    height: node.offsetHeight * 2,
  });
}
