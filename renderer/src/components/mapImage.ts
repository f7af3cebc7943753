// Map images for plotly's `image` trace: the pixels of lib/colormap.ts as a PNG data URL (one
// reusable canvas), and the traces that show them: the image, plus an invisible marker trace whose
// only job is to draw the colour bar (an image trace has none).
import { VIRIDIS, mapToImage } from '../lib/colormap';
import { logColorBar, type Trace } from '../lib/plotData';

let canvas: HTMLCanvasElement | null = null;

export function toDataUrl(rgba: Uint8ClampedArray, width: number, height: number): string {
  canvas ??= document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return canvas.toDataURL('image/png');
}

export interface MapGeometry {
  /** Map x of the first column's centre and the column width (data units). */
  x0: number;
  dx: number;
  y0: number;
  dy: number;
}

/** The traces of a map: its image and a colour bar (in counts, also on a log scale). */
export function mapImageTraces(
  values: ArrayLike<number>,
  width: number,
  height: number,
  log: boolean,
  g: MapGeometry,
): Trace[] {
  const { rgba, max } = mapToImage(values, width, height, log);
  const bar = log ? logColorBar(10 ** max - 1) : {};
  return [
    {
      type: 'image' as never,
      source: toDataUrl(rgba, width, height),
      x0: g.x0,
      dx: g.dx,
      y0: g.y0,
      dy: g.dy,
      hoverinfo: 'x+y',
    },
    {
      type: 'scatter',
      x: [null as unknown as number],
      y: [null as unknown as number],
      mode: 'markers',
      hoverinfo: 'skip',
      marker: {
        colorscale: VIRIDIS,
        cmin: 0,
        cmax: max || 1,
        color: [0],
        showscale: true,
        colorbar: { thickness: 12, ...bar },
      },
    },
  ];
}
