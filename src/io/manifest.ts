/**
 * File manifests: the size and SHA-256 of each file of a set that must be read together (a
 * checkpoint, a run's final outputs). A set is only used when every file matches its entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FileEntry {
  bytes: number;
  sha256: string;
}
export type Manifest = Record<string, FileEntry>;

export function fileEntry(path: string): FileEntry {
  const data = readFileSync(path);
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** The manifest of `names` in `dir`, read from disk. */
export function manifestOf(dir: string, names: readonly string[]): Manifest {
  const m: Manifest = {};
  for (const n of names) m[n] = fileEntry(join(dir, n));
  return m;
}

/** Throws a message naming the first file of `dir` that is missing or differs from `manifest` (described as `what`). */
export function verifyManifest(dir: string, manifest: Manifest, what: string): void {
  if (manifest == null || typeof manifest !== 'object') throw new Error(`${what}: the file list is missing or not an object`);
  for (const [name, want] of Object.entries(manifest)) {
    const p = join(dir, name);
    if (!existsSync(p)) throw new Error(`${what}: ${p} is missing`);
    const got = fileEntry(p);
    if (got.bytes !== want.bytes || got.sha256 !== want.sha256) {
      throw new Error(`${what}: ${p} does not match the record (${got.bytes} bytes, sha256 ${got.sha256.slice(0, 12)}…; expected ${want.bytes} bytes, sha256 ${String(want.sha256).slice(0, 12)}…)`);
    }
  }
}
