import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  loadDataset,
  labelHistogram,
  computeMeanStd,
  DATASET_STATS,
  parseFashionJson,
  FASHION_CACHE_FILE,
  FASHION_MNIST_CLASS_NAMES,
  type CacheEvent,
} from '../src/data/index.js';

const enc = (s: string) => new TextEncoder().encode(s);

test('parseFashionJson: the package format, whitespace and empty arrays', () => {
  const r = parseFashionJson(enc('{"data":[[0,1,2,255],[],[ 9 , 8,7,\n6 ]]}'), 'x.json', 4);
  assert.equal(r.count, 2);
  assert.equal(r.skippedEmpty, 1);
  assert.deepEqual([...r.images], [0, 1, 2, 255, 9, 8, 7, 6]);
  assert.equal(parseFashionJson(enc(' { "data" : [ ] } \n'), 'e.json', 4).count, 0);
});

test('parseFashionJson: malformed input gives errors naming the file', () => {
  const bad: [string, RegExp][] = [
    ['{"data":[[0,1,2]]}', /c\.json.*image 0 has 3 values, expected 4/],
    ['{"data":[[0,1,2,3,4]]}', /more than 4 values/],
    ['{"data":[[0,1,2,256]]}', /pixel value 256 out of range/],
    ['{"data":[[0,1,2,0.5]]}', /expected ',' or '\]', got '\.'/],
    ['{"data":[[0,1,2,-3]]}', /expected an integer pixel value, got '-'/],
    ['{"data":[[0,1,2,3],[4,5', /file ends inside an image/],
    ['{"data":[[0,1,2,3]]', /file ends early, expected '}'/],
    ['{"data":[[0,1,2,3]]}x', /trailing content/],
    ['{"images":[]}', /expected '"data"'/],
  ];
  for (const [s, re] of bad) {
    assert.throws(() => parseFashionJson(enc(s), 'c.json', 4), (e: Error) => re.test(e.message) && e.message.includes('c.json'), s);
  }
});

test('Fashion-MNIST: split, cache hit on second load, corrupt cache rebuilt', async () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'liftpool-fmnist-'));
  try {
    const events: CacheEvent[] = [];
    const opts = { cacheDir, onCache: (e: CacheEvent) => events.push(e) };

    const train = await loadDataset('fashion-mnist', 'train', opts);
    const first = events.at(-1);
    assert.ok(first?.status === 'built' && first.reason === 'missing' && first.written, JSON.stringify(first));

    const t0 = performance.now();
    const test = await loadDataset('fashion-mnist', 'test', opts);
    const ms = performance.now() - t0;
    assert.equal(events.at(-1)?.status, 'hit');
    assert.ok(ms < 2000, `cached load took ${ms} ms`);

    assert.equal(train.n, 60000);
    assert.equal(test.n, 10000);
    assert.deepEqual(labelHistogram(train), new Array(10).fill(6000));
    assert.deepEqual(labelHistogram(test), new Array(10).fill(1000));
    assert.deepEqual(train.classNames, FASHION_MNIST_CLASS_NAMES);
    // Round-robin class order: every prefix is balanced.
    assert.deepEqual([...train.labels.subarray(0, 12)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Disjoint by source index: train takes positions 0..5999 of each class, test 6000..6999.
    const seen = new Set(train.sourceIndex);
    assert.equal(seen.size, 60000);
    for (const s of test.sourceIndex ?? []) assert.ok(!seen.has(s), `source ${s} in both splits`);
    for (let k = 0; k < test.n; k++) assert.ok((test.sourceIndex![k] % 7000) >= 6000);
    // Images are real: not blank, and the documented statistics match.
    const st = computeMeanStd(train);
    assert.ok(Math.abs(st.mean - DATASET_STATS['fashion-mnist'].mean) < 1e-4, `mean ${st.mean}`);
    assert.ok(Math.abs(st.std - DATASET_STATS['fashion-mnist'].std) < 1e-4, `std ${st.std}`);

    // Corrupt one payload byte: detected by the checksum and rebuilt, with identical data.
    const file = path.join(cacheDir, FASHION_CACHE_FILE);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1000] ^= 0x55;
    writeFileSync(file, bytes);
    const again = await loadDataset('fashion-mnist', 'test', opts);
    const ev = events.at(-1);
    assert.ok(ev && ev.status === 'built' && ev.reason === 'corrupt' && ev.written, JSON.stringify(ev));
    assert.deepEqual(again.images, test.images);
    assert.deepEqual(again.labels, test.labels);
    await loadDataset('fashion-mnist', 'test', opts);
    assert.equal(events.at(-1)?.status, 'hit');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
