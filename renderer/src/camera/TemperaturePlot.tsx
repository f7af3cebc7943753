// The camera's temperatures over the last minutes (local, remote = the chip board's sensor, FPGA),
// one point a second from the camera store.
import { useMemo } from 'react';
import { Plot } from '../components/Plot';
import type { Trace } from '../lib/plotData';
import type { TemperaturePoint } from '../stores/cameraStore';

const SERIES = [
  ['local', '#4fc3f7'],
  ['remote', '#9ccc65'],
  ['fpga', '#ffb74d'],
] as const;

export function TemperaturePlot({ points }: { points: TemperaturePoint[] }) {
  const data = useMemo((): Trace[] => {
    const end = points.at(-1)?.atMs ?? 0;
    const x = Float64Array.from(points, (p) => (p.atMs - end) / 1000);
    return SERIES.map(([key, color]) => ({
      type: 'scatter',
      mode: 'lines+markers',
      x,
      y: Float64Array.from(points, (p) => p[key]),
      name: key === 'fpga' ? 'FPGA' : key,
      line: { width: 1.5, color },
      marker: { size: 3, color },
    }));
  }, [points]);
  const layout = useMemo(
    () => ({
      showlegend: true,
      legend: { orientation: 'h', y: 1.15, x: 0 },
      xaxis: { title: { text: 'seconds before the latest reading' } },
      yaxis: { title: { text: '°C' } },
    }),
    [],
  );
  return <Plot data={data} layout={layout as never} testId="camera-temperature-plot" />;
}
