import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeCache, defaultCacheDir, encodeCache, readCacheFile, resolveCacheDir, writeCacheFile } from '../src/data/index.js';

const sections = () => ({ images: Uint8Array.from([1, 2, 3, 4, 5, 6]), labels: Uint8Array.from([7, 8]) });

test('cache encode/decode round trip', () => {
  const buf = encodeCache('src-v1', sections(), { note: 'x' });
  const r = decodeCache(buf, 'src-v1');
  assert.ok(r.ok);
  assert.deepEqual([...r.sections.images], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...r.sections.labels], [7, 8]);
  assert.deepEqual(r.meta, { note: 'x' });
});

test('corrupt, truncated and stale caches are detected', () => {
  const buf = encodeCache('src-v1', sections());
  const flipped = Buffer.from(buf);
  flipped[flipped.length - 3] ^= 0xff;
  assert.deepEqual(decodeCache(flipped, 'src-v1'), { ok: false, reason: 'corrupt', detail: 'sha256 mismatch' });
  const short = decodeCache(buf.subarray(0, buf.length - 1), 'src-v1');
  assert.ok(!short.ok && short.reason === 'corrupt' && /bytes, header implies/.test(short.detail));
  const badMagic = Buffer.from(buf);
  badMagic[0] = 0;
  assert.ok(!decodeCache(badMagic, 'src-v1').ok);
  const badHeader = Buffer.from(buf);
  badHeader[12] = 0x21;
  const h = decodeCache(badHeader, 'src-v1');
  assert.ok(!h.ok && h.reason === 'corrupt');
  const stale = decodeCache(buf, 'src-v2');
  assert.ok(!stale.ok && stale.reason === 'stale');
});

test('cache files are written atomically and read back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'liftpool-cache-'));
  try {
    const file = path.join(dir, 'nested', 'x.bin');
    assert.equal((await readCacheFile(file, 'k')).ok, false);
    await writeCacheFile(file, 'k', sections());
    assert.deepEqual(readdirSync(path.dirname(file)), ['x.bin']); // no temp file left behind
    const r = await readCacheFile(file, 'k');
    assert.ok(r.ok);
    assert.deepEqual([...r.sections.labels], [7, 8]);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    const c = await readCacheFile(file, 'k');
    assert.ok(!c.ok && c.reason === 'corrupt');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache directory: option, then LIFTPOOL_CACHE_DIR, then the per-user cache, never the working directory', () => {
  const saved = { dir: process.env.LIFTPOOL_CACHE_DIR, xdg: process.env.XDG_CACHE_HOME, cwd: process.cwd() };
  const restore = (k: 'LIFTPOOL_CACHE_DIR' | 'XDG_CACHE_HOME', v: string | undefined): void => {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'liftpool-cwd-'));
  try {
    delete process.env.LIFTPOOL_CACHE_DIR;
    process.env.XDG_CACHE_HOME = '/tmp/xdg-cache';
    assert.equal(resolveCacheDir(), '/tmp/xdg-cache/liftpool');
    delete process.env.XDG_CACHE_HOME;
    const here = resolveCacheDir();
    if (process.platform === 'linux') assert.equal(here, path.join(os.homedir(), '.cache', 'liftpool'));
    process.chdir(elsewhere);
    assert.equal(resolveCacheDir(), here, 'the default must not depend on the working directory');
    assert.ok(!resolveCacheDir().startsWith(elsewhere));
    process.env.LIFTPOOL_CACHE_DIR = '/tmp/from-env';
    assert.equal(resolveCacheDir(), '/tmp/from-env');
    process.env.LIFTPOOL_CACHE_DIR = 'rel/cache';
    assert.equal(resolveCacheDir(), path.join(process.cwd(), 'rel', 'cache'));
    assert.equal(resolveCacheDir('/tmp/explicit'), '/tmp/explicit');
  } finally {
    process.chdir(saved.cwd);
    restore('LIFTPOOL_CACHE_DIR', saved.dir);
    restore('XDG_CACHE_HOME', saved.xdg);
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('defaultCacheDir: XDG (absolute only), Windows, macOS, Linux, no home', () => {
  const base = { env: {}, platform: 'linux', homedir: '/home/u', tmpdir: '/tmp' };
  assert.equal(defaultCacheDir(base), '/home/u/.cache/liftpool');
  assert.equal(defaultCacheDir({ ...base, env: { XDG_CACHE_HOME: '/var/cache/u' } }), '/var/cache/u/liftpool');
  assert.equal(defaultCacheDir({ ...base, env: { XDG_CACHE_HOME: 'relative/dir' } }), '/home/u/.cache/liftpool');
  assert.equal(defaultCacheDir({ ...base, platform: 'darwin', homedir: '/Users/u' }), '/Users/u/Library/Caches/liftpool');
  assert.equal(
    defaultCacheDir({ env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, platform: 'win32', homedir: 'C:\\Users\\u', tmpdir: 'C:\\Temp' }),
    'C:\\Users\\u\\AppData\\Local\\liftpool\\Cache',
  );
  assert.equal(defaultCacheDir({ ...base, homedir: '' }), '/tmp/liftpool-cache');
});
