// A plot's frame in the grid: title, a line of facts (totals, ranges), and the buttons every plot
// has: log scale, export as PNG, export its data as CSV. The card can be resized by its corner.
import { type ReactNode, useRef } from 'react';
import { downloadText } from '../lib/download';
import { downloadPng } from './Plot';

export interface PlotCardProps {
  title: string;
  /** File name stem of exports, e.g. "tof-histogram". */
  exportName: string;
  info?: ReactNode;
  log?: boolean;
  onToggleLog?: () => void;
  /** The plot's data as CSV, made only when asked for. */
  csv?: () => string;
  tools?: ReactNode;
  children: (plotRef: (el: HTMLDivElement | null) => void) => ReactNode;
  wide?: boolean;
  testId?: string;
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

export function PlotCard({
  title,
  exportName,
  info,
  log,
  onToggleLog,
  csv,
  tools,
  children,
  wide,
  testId,
}: PlotCardProps) {
  const plot = useRef<HTMLDivElement | null>(null);
  return (
    <section className={`card${wide ? ' wide' : ''}`} data-testid={testId}>
      <header className="card-head">
        <h3>{title}</h3>
        <span className="card-info">{info}</span>
        <span className="card-tools">
          {tools}
          {onToggleLog && (
            <button
              type="button"
              className={`chip${log ? ' on' : ''}`}
              onClick={onToggleLog}
              title="Logarithmic scale"
            >
              log
            </button>
          )}
          <button
            type="button"
            className="chip"
            title="Save as PNG"
            onClick={() => plot.current && void downloadPng(plot.current, `${exportName}-${stamp()}`)}
          >
            PNG
          </button>
          {csv && (
            <button
              type="button"
              className="chip"
              title="Save the data as CSV"
              onClick={() => downloadText(csv(), `${exportName}-${stamp()}.csv`)}
            >
              CSV
            </button>
          )}
        </span>
      </header>
      <div className="card-body">{children((el) => (plot.current = el))}</div>
    </section>
  );
}
