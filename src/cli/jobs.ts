/**
 * Run CLI jobs (e.g. one `liftpool train` per pool × seed) as child processes, N at a time: each child
 * is its own Node process with its own TF.js backend, so results do not depend on N.
 *
 * Resumable: a job whose `DIR/results.json` exists is skipped; a job with a checkpoint
 * (`DIR/checkpoint/state.json`) but no results is continued with `--resume`. A lock file
 * (`DIR/.sweep-lock`, the pids of the sweep and of its child) keeps a second sweep from running the
 * same job while the first is still at it. Each child's stdout and stderr are appended to `DIR/sweep.log`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';

export interface Job {
  /** Short name, e.g. `max s0`. */
  label: string;
  /** Output directory of the job (passed as `--out DIR`). */
  dir: string;
  /** CLI arguments without `--out` and `--resume`, e.g. `['train', '--pool', 'max', ...]`. */
  args: string[];
  /** Epochs the job trains (to turn its progress lines into a fraction). */
  epochs: number;
}

export type JobEvent =
  | { type: 'skip'; job: Job; reason: 'done' | 'busy'; detail: string }
  | { type: 'start'; job: Job; resume: boolean }
  | { type: 'progress'; job: Job; fraction: number; text: string }
  | { type: 'done'; job: Job; seconds: number }
  | { type: 'failed'; job: Job; seconds: number; code: number | null; signal: string | null; tail: string[] };

export interface JobsSummary {
  done: Job[];
  skipped: Job[];
  busy: Job[];
  failed: Job[];
  /** True when the run was stopped by `signal` before every job had run. */
  aborted: boolean;
}

export interface RunJobsOptions {
  /** Jobs at once (≥ 1). */
  parallel: number;
  /** The command that runs the CLI: default this process's node, its loader flags and its script. */
  cli?: string[];
  onEvent?: (e: JobEvent) => void;
  /** Aborting kills the running children (SIGTERM) and starts no more jobs. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Cores not busy right now: available parallelism minus the 1-minute load average, at least 1. */
export function freeCores(): number {
  return Math.max(1, Math.floor(availableParallelism() - loadavg()[0] + 0.5));
}

const RESULTS = 'results.json';
const LOCK = '.sweep-lock';

function alive(pid: number | undefined): boolean {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding the job's lock, when a live process other than this one holds it. */
function lockHolder(dir: string): number | null {
  const p = join(dir, LOCK);
  if (!existsSync(p)) return null;
  try {
    const lock = JSON.parse(readFileSync(p, 'utf8')) as { sweepPid?: number; childPid?: number };
    if (alive(lock.childPid)) return lock.childPid!;
    if (alive(lock.sweepPid)) return lock.sweepPid!;
  } catch {
    // unreadable lock: stale
  }
  return null;
}

/** Parse one stderr line of a training child into a fraction of the job (null when it says nothing). */
export function progressFraction(line: string, epochs: number): number | null {
  const batch = /epoch (\d+) batch (\d+)\/(\d+)/.exec(line);
  if (batch) return Math.min(1, (Number(batch[1]) - 1 + Number(batch[2]) / Number(batch[3])) / epochs);
  const epoch = /epoch (\d+)\/(\d+)/.exec(line);
  if (epoch) return Math.min(1, Number(epoch[1]) / Number(epoch[2]));
  return null;
}

export function defaultCli(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]];
}

export async function runJobs(jobs: readonly Job[], opts: RunJobsOptions): Promise<JobsSummary> {
  const cli = opts.cli ?? defaultCli();
  const emit = opts.onEvent ?? (() => {});
  const summary: JobsSummary = { done: [], skipped: [], busy: [], failed: [], aborted: false };
  const children = new Set<ChildProcess>();
  const onAbort = () => {
    for (const c of children) c.kill('SIGTERM');
  };
  opts.signal?.addEventListener('abort', onAbort);
  const queue = [...jobs];

  const runOne = (job: Job): Promise<void> => new Promise((resolveJob) => {
    mkdirSync(job.dir, { recursive: true });
    const resume = existsSync(join(job.dir, 'checkpoint', 'state.json'));
    const args = [...job.args, '--out', job.dir, ...(resume ? ['--resume'] : [])];
    const log = createWriteStream(join(job.dir, 'sweep.log'), { flags: 'a' });
    log.write(`# ${new Date().toISOString()} liftpool ${args.join(' ')}\n`);
    const t0 = performance.now();
    const child = spawn(cli[0], [...cli.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    children.add(child);
    writeFileSync(join(job.dir, LOCK), JSON.stringify({ sweepPid: process.pid, childPid: child.pid }));
    emit({ type: 'start', job, resume });
    const tail: string[] = [];
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => log.write(d));
    child.stderr!.on('data', (d: Buffer) => {
      log.write(d);
      const lines = (partial + d.toString('utf8')).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        const f = progressFraction(line, job.epochs);
        if (f != null) emit({ type: 'progress', job, fraction: f, text: line.replace(/^\[[^\]]*\]\s*/, '') });
      }
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      rmSync(join(job.dir, LOCK), { force: true });
      log.end();
      const seconds = (performance.now() - t0) / 1000;
      if (code === 0 && existsSync(join(job.dir, RESULTS))) {
        summary.done.push(job);
        emit({ type: 'done', job, seconds });
      } else {
        if (partial.trim()) tail.push(partial);
        summary.failed.push(job);
        emit({ type: 'failed', job, seconds, code, signal, tail: tail.slice(-8) });
      }
      resolveJob();
    });
    child.on('error', (err) => {
      tail.push(`could not start ${cli[0]}: ${err.message}`);
    });
  });

  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (opts.signal?.aborted) {
        summary.aborted = true;
        return;
      }
      if (existsSync(join(job.dir, RESULTS))) {
        summary.skipped.push(job);
        emit({ type: 'skip', job, reason: 'done', detail: `${join(job.dir, RESULTS)} exists` });
        continue;
      }
      const holder = lockHolder(job.dir);
      if (holder != null) {
        summary.busy.push(job);
        emit({ type: 'skip', job, reason: 'busy', detail: `process ${holder} is running it (${join(job.dir, LOCK)})` });
        continue;
      }
      await runOne(job);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.parallel) }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) summary.aborted = true;
  return summary;
}
