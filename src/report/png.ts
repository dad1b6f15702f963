/**
 * PNG output for image sheets (contact sheets, segmentation samples).
 * Pure encoding: returns a Buffer, the caller decides where to write it.
 */
import { PNG } from 'pngjs';

/** One picture in a grid: `data` is row-major HWC, values in [0, 1] (float) or [0, 255] (Uint8Array). */
export interface Tile {
  data: Float32Array | Uint8Array;
  height: number;
  width: number;
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
}

export interface GridOptions {
  /** Integer upscaling factor (nearest neighbour). Default 2. */
  scale?: number;
  /** Gap between tiles in output pixels. Default 2. */
  gap?: number;
  /** Gap colour, RGB 0–255. Default mid gray. */
  background?: [number, number, number];
}

/**
 * Encode a grid of tiles (rows of tiles) as a PNG.
 *
 * ```ts
 * const png = encodeGridPng([[{data: img, height: 28, width: 28, channels: 1}]], {scale: 4});
 * writeFileSync('sheet.png', png);
 * ```
 */
export function encodeGridPng(rows: Tile[][], opts: GridOptions = {}): Buffer {
  const scale = opts.scale ?? 2;
  const gap = opts.gap ?? 2;
  const bg = opts.background ?? [128, 128, 128];
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`encodeGridPng: scale must be a positive integer, got ${scale}`);
  if (rows.length === 0 || rows.every((r) => r.length === 0)) throw new Error('encodeGridPng: no tiles given');
  const cellH = Math.max(...rows.flat().map((t) => t.height)) * scale;
  const cellW = Math.max(...rows.flat().map((t) => t.width)) * scale;
  const nCols = Math.max(...rows.map((r) => r.length));
  const W = nCols * cellW + (nCols + 1) * gap;
  const H = rows.length * cellH + (rows.length + 1) * gap;
  const png = new PNG({ width: W, height: H });
  for (let i = 0; i < W * H; i++) {
    png.data[4 * i] = bg[0];
    png.data[4 * i + 1] = bg[1];
    png.data[4 * i + 2] = bg[2];
    png.data[4 * i + 3] = 255;
  }
  rows.forEach((row, r) => {
    row.forEach((tile, c) => {
      const { data, height, width, channels } = tile;
      if (data.length !== height * width * channels) {
        throw new Error(`encodeGridPng: tile (${r},${c}) has ${data.length} values, expected ${height}x${width}x${channels}`);
      }
      const isFloat = data instanceof Float32Array;
      const y0 = gap + r * (cellH + gap);
      const x0 = gap + c * (cellW + gap);
      for (let y = 0; y < height * scale; y++) {
        for (let x = 0; x < width * scale; x++) {
          const src = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
          const dst = 4 * ((y0 + y) * W + (x0 + x));
          for (let k = 0; k < 3; k++) {
            const v = data[src + (channels === 3 ? k : 0)];
            png.data[dst + k] = isFloat ? Math.round(Math.min(1, Math.max(0, v)) * 255) : v;
          }
        }
      }
    });
  });
  return PNG.sync.write(png);
}

/** A fixed, distinguishable colour per class id (0 = background, black). */
export function classColor(id: number): [number, number, number] {
  const palette: [number, number, number][] = [
    [0, 0, 0], [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
    [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212],
    [0, 128, 128], [220, 190, 255], [170, 110, 40], [255, 250, 200], [128, 0, 0],
  ];
  return palette[((id % palette.length) + palette.length) % palette.length];
}

/** Colour a label map (class ids, row-major H×W) into an RGB tile. */
export function labelTile(labels: ArrayLike<number>, height: number, width: number): Tile {
  const data = new Uint8Array(height * width * 3);
  for (let i = 0; i < height * width; i++) {
    const [r, g, b] = classColor(labels[i]);
    data[3 * i] = r;
    data[3 * i + 1] = g;
    data[3 * i + 2] = b;
  }
  return { data, height, width, channels: 3 };
}
