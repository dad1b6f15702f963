/**
 * Output directories of training runs: checked before any training (a file in the way, not writable,
 * not enough space → one clear line), locked against a second run, and never overwritten when they
 * hold a finished or unfinished run unless asked to (`--force`), or continued (`--resume`).
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemporaries } from './atomic.js';
import { fakeFreeBytes } from './fault.js';

export const LOCK_FILE = '.lock';

export interface OutDirOptions {
  /** Continue the run in the directory. */
  resume?: boolean;
  /** Replace the run in the directory. */
  force?: boolean;
  /** The files a run writes there (removed by `--force`), results file first. */
  outputs: readonly string[];
  /** Whether the directory holds a checkpoint (or a recoverable copy). */
  hasCheckpoint: (dir: string) => boolean;
  /** Remove the checkpoint (for `--force`). */
  removeCheckpoint: (dir: string) => void;
}

export interface OutDirLock {
  dir: string;
  release(): void;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ENOTDIR':
      return 'a parent of it is a file';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return e.message;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquireLock(dir: string): OutDirLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`--out ${dir} is not writable: ${describe(err)}`);
      let holder = NaN;
      try {
        holder = Number(readFileSync(path, 'utf8').split('\n')[0]);
      } catch {
        // unreadable or vanished: treat as stale
      }
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new Error(`--out ${dir} is in use by another liftpool run (pid ${holder}); wait for it to finish or use another --out`);
      }
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n${new Date().toISOString()}\n`);
    } catch (err) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw new Error(`--out ${dir} is not writable: ${describe(err)}`);
    }
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.removeListener('exit', release);
      try {
        if (Number(readFileSync(path, 'utf8').split('\n')[0]) === process.pid) rmSync(path, { force: true });
      } catch {
        // already gone
      }
    };
    process.on('exit', release);
    return { dir, release };
  }
  throw new Error(`--out ${dir}: could not take the lock ${path}`);
}

/**
 * Check and lock `dir` for a training run. Throws one clear line when it cannot be used: a file in
 * the way, not writable, in use by another run, or holding a run that `--resume`/`--force` was not
 * given for. With `force`, the previous run's outputs (results first) and checkpoint are removed.
 */
export function openOutDir(dir: string, o: OutDirOptions): OutDirLock {
  if (o.resume && o.force) throw new Error('--resume and --force contradict each other: --resume continues the run in --out, --force replaces it');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--out ${dir} is a file, not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`--out ${dir} cannot be created: ${describe(err)}`);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new Error(`--out ${dir} is not writable: ${describe(err)}`);
  }
  const lock = acquireLock(dir);
  try {
    removeStaleTemporaries(dir);
    const finished = existsSync(join(dir, o.outputs[0]));
    const unfinished = !finished && o.hasCheckpoint(dir);
    if (!o.resume && !o.force) {
      if (finished) throw new Error(`--out ${dir} holds a finished run (${o.outputs[0]}); pass --force to replace it, --resume to continue it, or choose another --out`);
      if (unfinished) throw new Error(`--out ${dir} holds an unfinished run (a checkpoint); pass --resume to continue it, --force to start over, or choose another --out`);
    }
    if (o.force) {
      for (const f of o.outputs) rmSync(join(dir, f), { force: true });
      o.removeCheckpoint(dir);
    }
    return lock;
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Free bytes on the file system of `dir` (or the test override). */
export function freeBytes(dir: string): number {
  const fake = fakeFreeBytes();
  if (fake != null) return fake;
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Throws when the file system of `dir` has less than `needed` bytes free. */
export function checkFreeSpace(dir: string, needed: number): void {
  const free = freeBytes(dir);
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  if (free < needed) throw new Error(`--out ${dir}: only ${mib(free)} MiB free on its file system, the run needs about ${mib(needed)} MiB (checkpoints and outputs)`);
}
