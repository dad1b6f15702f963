/** Tensors and float images onto canvases. */
import * as tf from '@tensorflow/tfjs';

/** Grey image `values` (h×w) onto `canvas`; `signed` maps 0 to mid-grey and ±max|v| to black/white. */
export function paint(canvas: HTMLCanvasElement, values: Float32Array | ArrayLike<number>, h: number, w: number, signed = false): void {
  canvas.width = w;
  canvas.height = h;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < h * w; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const span = hi - lo || 1;
  const img = new ImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const v = signed ? 0.5 + values[i] / (2 * m) : (values[i] - lo) / span;
    const g = Math.round(255 * Math.min(1, Math.max(0, v)));
    img.data.set([g, g, g, 255], 4 * i);
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

/** Channel `ch` of a [1,h,w,c] tensor as an array. */
export async function channel(t: tf.Tensor4D, ch: number): Promise<{ data: Float32Array; h: number; w: number }> {
  const [, h, w, c] = t.shape;
  const s = tf.tidy(() => tf.slice(t, [0, 0, 0, Math.min(ch, c - 1)], [1, h, w, 1]));
  const data = (await s.data()) as Float32Array;
  s.dispose();
  return { data, h, w };
}

export function figure(canvas: HTMLCanvasElement, caption: string): HTMLElement {
  const f = document.createElement('figure');
  const c = document.createElement('figcaption');
  c.textContent = caption;
  f.append(canvas, c);
  return f;
}
