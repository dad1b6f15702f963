/**
 * Sub-band explorer: an image (from the subsets, or drawn) decomposed into LL, LH, HL, HH by a
 * classical wavelet (Haar, CDF 5/3, CDF 9/7; a pyramid of 1–3 levels) or by the first LiftDownPool2D
 * of a tiny CNN trained by the CLI (web/public/model), on that model's feature maps; with the
 * reconstruction by the exact inverse and its error.
 */
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D, liftDown2d, liftPyramidDown, liftPyramidUp, liftUp2d, type WaveletName } from 'liftpool';
import { FASHION_CLASSES, FASHION_STATS, imageAt, loadImageSet } from './data.js';
import { channel, figure, paint } from './draw.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface Trained {
  features: tf.LayersModel;
  layer: LiftDownPool2D;
  note: string;
}

let trained: Promise<Trained> | null = null;

/** The CLI-trained model's input → first LiftDownPool2D's input, and that layer. */
function loadTrained(): Promise<Trained> {
  trained ??= (async () => {
    const base = import.meta.env.BASE_URL;
    const model = await tf.loadLayersModel(`${base}model/model.json`);
    const layer = model.layers.find((l): l is LiftDownPool2D => l instanceof LiftDownPool2D);
    if (layer == null) throw new Error('model/model.json has no LiftDownPool2D layer');
    const features = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
    const prov = (await (await fetch(`${base}model/provenance.json`)).json()) as { command?: string; testAccuracy?: number };
    const note = `Trained layer: '${layer.name}' of a tiny CNN (test accuracy ${((prov.testAccuracy ?? 0) * 100).toFixed(1)}%), from \`${prov.command ?? '?'}\`; ` +
      'bands of one channel of the feature map entering the layer; the error is over all channels.';
    return { features, layer, note };
  })();
  return trained;
}

let image: Float32Array = new Float32Array(784);
let running = false;
let again = false;

async function render(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  const bands = document.getElementById('ex-bands')!;
  bands.dataset.idle = 'false';
  try {
    do {
      again = false;
      await renderOnce();
    } while (again);
  } finally {
    running = false;
    bands.dataset.idle = 'true';
    bands.dataset.renders = String(Number(bands.dataset.renders ?? 0) + 1);
  }
}

async function renderOnce(): Promise<void> {
  const method = $<HTMLSelectElement>('ex-method').value;
  const levels = Math.min(3, Math.max(1, Number($<HTMLInputElement>('ex-levels').value) || 1));
  const chInput = $<HTMLInputElement>('ex-channel');
  $('ex-channel-label').hidden = method !== 'trained';
  paint($<HTMLCanvasElement>('ex-input'), image, 28, 28);
  const x = tf.tensor4d(image, [1, 28, 28, 1]);
  const bandsEl = $('ex-bands');
  let ch = Math.max(0, Number(chInput.value) || 0);
  const rows: HTMLElement[] = [];
  let error: number;
  let recon: { data: Float32Array; h: number; w: number };
  if (method === 'trained') {
    const t = await loadTrained();
    $('ex-note').textContent = t.note;
    const f = tf.tidy(() => t.features.predict(tf.div(tf.sub(x, FASHION_STATS.mean), FASHION_STATS.std)) as tf.Tensor4D);
    chInput.max = String(f.shape[3] - 1);
    if (chInput.dataset.picked !== 'true') {
      // First look: the channel that varies most over this image (several are nearly dead).
      const best = tf.tidy(() => tf.argMax(tf.moments(f, [0, 1, 2]).variance));
      chInput.value = String((await best.data())[0]);
      chInput.dataset.picked = 'true';
      best.dispose();
    }
    ch = Math.min(Math.max(0, Number(chInput.value) || 0), f.shape[3] - 1);
    const spec = t.layer.liftingSpec();
    const r = liftDown2d(f, spec, { padMode: t.layer.padMode, losses: false });
    const back = liftUp2d(r, spec, { padMode: t.layer.padMode });
    const row = document.createElement('div');
    row.className = 'level';
    for (const [name, band] of [['LL', r.ll], ['LH', r.lh], ['HL', r.hl], ['HH', r.hh]] as const) {
      const c = await channel(band, ch);
      const cv = document.createElement('canvas');
      paint(cv, c.data, c.h, c.w, name !== 'LL');
      row.append(figure(cv, `${name} (ch ${Math.min(ch, f.shape[3] - 1)})`));
    }
    rows.push(row);
    const e = tf.max(tf.abs(tf.sub(back, f)));
    error = (await e.data())[0];
    recon = await channel(back, ch);
    const fin = await channel(f, ch);
    const cv = document.createElement('canvas');
    paint(cv, fin.data, fin.h, fin.w);
    row.prepend(figure(cv, `feature (ch ${Math.min(ch, f.shape[3] - 1)})`));
    tf.dispose([f, r.ll, r.lh, r.hl, r.hh, back, e]);
  } else {
    $('ex-note').textContent = 'Classical lifting wavelets (fixed predict/update steps, symmetric boundary); details in grey around 0; the pyramid splits LL again at each level.';
    const p = liftPyramidDown(x, method as WaveletName, levels);
    const back = liftPyramidUp(p, method as WaveletName);
    for (let l = 0; l < p.details.length; l++) {
      const row = document.createElement('div');
      row.className = 'level';
      const d = p.details[l];
      for (const [name, band] of [['LH', d.lh], ['HL', d.hl], ['HH', d.hh]] as const) {
        const c = await channel(band, 0);
        const cv = document.createElement('canvas');
        paint(cv, c.data, c.h, c.w, true);
        row.append(figure(cv, `${name} level ${l + 1}`));
      }
      if (l === p.details.length - 1) {
        const c = await channel(p.ll, 0);
        const cv = document.createElement('canvas');
        paint(cv, c.data, c.h, c.w);
        row.prepend(figure(cv, `LL level ${l + 1}`));
      }
      rows.push(row);
    }
    const e = tf.max(tf.abs(tf.sub(back, x)));
    error = (await e.data())[0];
    recon = await channel(back, 0);
    tf.dispose([p.ll, p.lossU, p.lossP, ...p.details.flatMap((d) => [d.lh, d.hl, d.hh]), back, e]);
  }
  x.dispose();
  bandsEl.replaceChildren(...rows);
  paint($<HTMLCanvasElement>('ex-recon'), recon.data, recon.h, recon.w);
  const err = $('ex-error');
  err.textContent = `max |error| ${error.toExponential(1)}`;
  err.dataset.error = String(error);
  bandsEl.dataset.key = `${method}/${levels}/${ch}`;
}

async function pick(): Promise<void> {
  const src = $<HTMLSelectElement>('ex-source').value;
  const set = await loadImageSet(src === 'mnist' ? 'mnist-test' : 'fashion-test');
  const i = Math.min(set.n - 1, Math.max(0, Number($<HTMLInputElement>('ex-index').value) || 0));
  image = imageAt(set, i);
  const label = set.labels[i];
  $('ex-input').title = src === 'mnist' ? `digit ${label}` : FASHION_CLASSES[label];
  await render();
}

function enableDrawing(): void {
  const cv = $<HTMLCanvasElement>('ex-input');
  const at = (e: PointerEvent) => {
    const r = cv.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * 28;
    const py = ((e.clientY - r.top) / r.height) * 28;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const d2 = (x + 0.5 - px) ** 2 + (y + 0.5 - py) ** 2;
        if (d2 < 2.5) image[y * 28 + x] = Math.max(image[y * 28 + x], 1 - d2 / 2.5);
      }
    }
    void render();
  };
  cv.addEventListener('pointerdown', (e) => { cv.setPointerCapture(e.pointerId); at(e); });
  cv.addEventListener('pointermove', (e) => { if (e.buttons) at(e); });
}

export async function initExplorer(): Promise<void> {
  for (const id of ['ex-source', 'ex-index']) $(id).addEventListener('change', () => void pick());
  for (const id of ['ex-method', 'ex-levels']) $(id).addEventListener('change', () => void render());
  $('ex-channel').addEventListener('change', () => {
    $('ex-channel').dataset.picked = 'true';
    void render();
  });
  $('ex-random').addEventListener('click', () => {
    $<HTMLInputElement>('ex-index').value = String(Math.floor(Math.random() * 100));
    void pick();
  });
  $('ex-clear').addEventListener('click', () => {
    image = new Float32Array(784);
    void render();
  });
  enableDrawing();
  await pick();
}
