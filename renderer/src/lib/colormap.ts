// Maps drawn as images: a width x height array of values to RGBA pixels through the Viridis colour
// scale (plotly's own stops, so the colour bar plotly draws beside the image matches), linear or
// log10(1 + v). Plotly's heatmap trace recomputes and re-rasterises 65 k cells on every update,
// which at 10-30 redraws a second saturates the page; an image costs one pass over the values.
// Pure: the page turns the pixels into a data URL (toDataUrl in components/mapImage.ts).

/** Plotly's Viridis stops. */
export const VIRIDIS: [number, string][] = [
  [0, '#440154'],
  [0.06274509803921569, '#48186a'],
  [0.12549019607843137, '#472d7b'],
  [0.18823529411764706, '#424086'],
  [0.25098039215686274, '#3b528b'],
  [0.3137254901960784, '#33638d'],
  [0.3764705882352941, '#2c728e'],
  [0.4392156862745098, '#26828e'],
  [0.5019607843137255, '#21918c'],
  [0.5647058823529412, '#1fa088'],
  [0.6274509803921569, '#28ae80'],
  [0.6901960784313725, '#3fbc73'],
  [0.7529411764705882, '#5ec962'],
  [0.8156862745098039, '#84d44b'],
  [0.8784313725490196, '#addc30'],
  [0.9411764705882353, '#d8e219'],
  [1, '#fde725'],
];

/** 256 RGB entries interpolated linearly between the stops. */
export function colourTable(stops: [number, string][] = VIRIDIS): Uint8Array {
  const rgb = stops.map(([t, hex]) => [
    t,
    parseInt(hex.slice(1, 3), 16),
    parseInt(hex.slice(3, 5), 16),
    parseInt(hex.slice(5, 7), 16),
  ]);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 1;
    while (k < rgb.length - 1 && rgb[k][0] < t) k++;
    const [t0, r0, g0, b0] = rgb[k - 1];
    const [t1, r1, g1, b1] = rgb[k];
    const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
    table[i * 3] = Math.round(r0 + (r1 - r0) * f);
    table[i * 3 + 1] = Math.round(g0 + (g1 - g0) * f);
    table[i * 3 + 2] = Math.round(b0 + (b1 - b0) * f);
  }
  return table;
}

const TABLE = colourTable();

export interface MapImage {
  /** RGBA, image row y = map row y (plotly draws row 0 at the bottom when the y axis is not
   * reversed, as the map layouts set it). */
  rgba: Uint8ClampedArray;
  /** The colour scale's top: the largest value (or log10(1 + largest)). */
  max: number;
}

/** Colours a row-major map (index y * width + x). */
export function mapToImage(values: ArrayLike<number>, width: number, height: number, log: boolean): MapImage {
  let top = 0;
  for (let i = 0; i < width * height; i++) if (values[i] > top) top = values[i];
  const max = log ? Math.log10(1 + top) : top;
  const scale = max > 0 ? 255 / max : 0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const src = y * width;
    let dst = src * 4;
    for (let x = 0; x < width; x++, dst += 4) {
      const v = values[src + x];
      const c = v > 0 ? Math.min(255, Math.round((log ? Math.log10(1 + v) : v) * scale)) * 3 : 0;
      rgba[dst] = TABLE[c];
      rgba[dst + 1] = TABLE[c + 1];
      rgba[dst + 2] = TABLE[c + 2];
      rgba[dst + 3] = 255;
    }
  }
  return { rgba, max };
}
