/** Atomic file writes: write a temporary file in the same directory, fsync, then rename over the target. */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { faultPoint, faultWrite } from './fault.js';

/** Names of the temporaries {@link writeFileAtomic} makes (`.NAME.PID.TIME.tmp`). */
const TEMP_RE = /^\..+\.\d+\.\d+\.tmp$/;

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    faultWrite(path);
    const fd = openSync(tmp, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    faultPoint(`${basename(path)} written, not yet renamed`);
    renameSync(tmp, path);
    faultPoint(`${basename(path)} in place`);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Remove the temporaries an interrupted {@link writeFileAtomic} left in `dir` (call while holding the directory's lock). */
export function removeStaleTemporaries(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (TEMP_RE.test(n)) rmSync(join(dir, n), { force: true });
}

/** fsync a directory so the renames in it are durable (a no-op where directories cannot be opened). */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open directories; the renames are still atomic.
  }
}
