/**
 * Fault injection for the run state of `liftpool train` and `liftpool segment train` (issue 15).
 *
 * For each command (tiny sizes), one uninterrupted reference run counts the fault points of a run
 * (src/io/fault.ts: after every batch, between the files of a checkpoint, between its renames,
 * between the final outputs). Then chains of runs in fresh directories: the first run is killed
 * (SIGKILL) at a chosen fault point, the next is a `--resume` killed at another point, the last a
 * `--resume` left to finish; a few chains stop a run with SIGINT or SIGTERM instead, at a random
 * moment, and resume with the exact command it printed. Every resume must either refuse with one
 * clear `liftpool: error:` line or continue; every chain must end bit-identical to the reference
 * (weights.bin, predictions.png, results.json apart from timings and dates) with no temporaries,
 * lock or checkpoint copies left behind.
 *
 *   npx tsx scripts/fault-injection.ts [--kills N] [--signals M] [--json FILE]
 *
 * N kills and M signals per command (defaults 26 and 2). Prints the counts; exits 1 on any failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const KILLS = arg('--kills', 26);
const SIGNALS = arg('--signals', 2);
const jsonIdx = process.argv.indexOf('--json');
const JSON_OUT = jsonIdx >= 0 ? process.argv[jsonIdx + 1] : undefined;

/** The CLI through tsx (a bundle would break the backend's run-time imports of its own modules). */
function cliCommand(): string[] {
  return ['--import', 'tsx', 'src/cli/main.ts'];
}
const CLI = cliCommand();

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Fault points the run passed (when traced). */
  points: number;
}

function run(args: string[], env: Record<string, string> = {}, stopWith?: { signal: NodeJS.Signals; afterPoint: number }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: root, env: { ...process.env, ...env, ...(stopWith ? { LIFTPOOL_TEST_TRACE_FAULTS: '1' } : {}) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stopWith && !sent) {
        const m = [...stderr.matchAll(/^fault point (\d+):/gm)].at(-1);
        if (m && Number(m[1]) >= stopWith.afterPoint) {
          sent = true;
          child.kill(stopWith.signal);
        }
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr: stderr.replace(/^fault point .*\n/gm, ''), points: [...stderr.matchAll(/^fault point /gm)].length });
    });
  });
}

const TIMING = new Set(['seconds', 'cpuSeconds', 'imagesPerSecond', 'trainSeconds', 'trainCpuSeconds', 'date', 'command', 'files', 'backendInfo']);
function core(dir: string): string {
  const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Record<string, unknown>;
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !TIMING.has(k)).map(([k, x]) => [k, clean(x)]));
    return v;
  };
  return JSON.stringify(clean(r));
}

function sameAsReference(dir: string, ref: string, files: string[]): string | undefined {
  if (!existsSync(join(dir, 'results.json'))) return 'no results.json';
  for (const f of files) if (!readFileSync(join(dir, f)).equals(readFileSync(join(ref, f)))) return `${f} differs`;
  if (core(dir) !== core(ref)) return 'results.json differs';
  const leftovers = readdirSync(dir).filter((n) => n.startsWith('.'));
  if (leftovers.length) return `left behind: ${leftovers.join(', ')}`;
  return undefined;
}

/** Split a POSIX shell command line (single quotes, backslash escapes) into its words. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      cur = (cur ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '\\') {
      cur = (cur ?? '') + line[++i];
    } else if (ch === ' ') {
      if (cur != null) words.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + ch;
  }
  if (cur != null) words.push(cur);
  return words;
}

const clearRefusal = (r: Run) => r.status === 1 && /^liftpool: error: .+\n$/.test(r.stderr.split('\n').filter((l) => l.startsWith('liftpool:')).join('\n') + '\n') && !/\n\s+at /.test(r.stderr);

interface Counts {
  command: string;
  faultPoints: number;
  kills: number;
  signals: number;
  /** Signals that stopped training with a checkpoint (the others came after the last batch). */
  signalStops: number;
  resumes: number;
  refusals: number;
  identical: number;
  failures: string[];
}

async function campaign(name: string, args: string[], outputs: string[], base: string): Promise<Counts> {
  const ref = join(base, `${name}-ref`);
  const r0 = await run([...args, '--out', ref], { LIFTPOOL_TEST_TRACE_FAULTS: '1' });
  if (r0.status !== 0) throw new Error(`${name}: the reference run failed: ${r0.stderr}`);
  const total = r0.points;
  const c: Counts = { command: name, faultPoints: total, kills: 0, signals: 0, signalStops: 0, resumes: 0, refusals: 0, identical: 0, failures: [] };
  // Fault points spread over the whole run: moment k of chain i, and a second one in its resume.
  const moments = Array.from({ length: KILLS }, (_, i) => 1 + Math.floor(((i + 0.5) * total) / KILLS));
  let chain = 0;
  const resumeUntilDone = async (dir: string, first: Run, label: string): Promise<void> => {
    let last = first;
    for (let attempt = 0; attempt < 3; attempt++) {
      c.resumes++;
      const r = await run([...args, '--out', dir, '--resume']);
      if (r.status === 0) return finishChain(dir, label);
      if (clearRefusal(r)) {
        c.refusals++;
        // Nothing to resume (killed before the first checkpoint): start the run again.
        const again = await run([...args, '--out', dir]);
        if (again.status === 0) return finishChain(dir, label);
        c.failures.push(`${label}: restart after a refusal failed: ${again.stderr.trim()}`);
        return;
      }
      last = r;
    }
    c.failures.push(`${label}: resume did not finish: ${last.stderr.trim()}`);
  };
  const finishChain = (dir: string, label: string) => {
    const why = sameAsReference(dir, ref, outputs);
    if (why) c.failures.push(`${label}: ${why}`);
    else c.identical++;
  };
  for (let i = 0; i < moments.length; i += 2) {
    const dir = join(base, `${name}-chain${chain++}`);
    const k1 = moments[i];
    const r1 = await run([...args, '--out', dir], { LIFTPOOL_TEST_KILL_AT: String(k1) });
    c.kills++;
    if (r1.signal !== 'SIGKILL') c.failures.push(`${name} kill@${k1}: not killed (status ${r1.status}): ${r1.stderr.trim()}`);
    let r2 = r1;
    if (i + 1 < moments.length) {
      // Second kill in the resumed run, at a moment counted from its own start.
      const k2 = 1 + (moments[i + 1] % 15);
      c.resumes++;
      r2 = await run([...args, '--out', dir, '--resume'], { LIFTPOOL_TEST_KILL_AT: String(k2) });
      if (r2.signal === 'SIGKILL') c.kills++;
      else if (r2.status === 0) {
        finishChain(dir, `${name} kill@${k1}, resume`);
        continue;
      } else if (clearRefusal(r2)) {
        c.refusals++;
      } else c.failures.push(`${name} kill@${k1}, resume kill@${k2}: unexpected exit ${r2.status}: ${r2.stderr.trim()}`);
    }
    await resumeUntilDone(dir, r2, `${name} kill@${k1}`);
  }
  for (let s = 0; s < SIGNALS; s++) {
    const dir = join(base, `${name}-signal${s}`);
    const signal: NodeJS.Signals = s % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    const after = 1 + Math.floor(((s + 0.5) * total) / (SIGNALS + 1));
    const r = await run([...args, '--out', dir], {}, { signal, afterPoint: after });
    c.signals++;
    const code = signal === 'SIGINT' ? 130 : 143;
    const label = `${name} ${signal}@${after}`;
    if (r.status === 0) {
      // The signal came during the final outputs: the run completes them.
      finishChain(dir, label);
      continue;
    }
    const m = /Resume with:\n {2}liftpool (.+)\n/.exec(r.stderr);
    if (r.status !== code || !m) {
      c.failures.push(`${label}: exit ${r.status}, expected ${code} and a resume command: ${r.stderr.trim()}`);
      continue;
    }
    c.signalStops++;
    if (/\x1b\[\?25l/.test(r.stderr) && !/\x1b\[\?25h/.test(r.stderr)) c.failures.push(`${label}: cursor left hidden`);
    c.resumes++;
    const resumed = await run(shellWords(m[1]));
    if (resumed.status !== 0) c.failures.push(`${label}: the printed resume command failed: ${resumed.stderr.trim()}`);
    else finishChain(dir, label);
  }
  return c;
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'liftpool-faults-'));
  mkdirSync(base, { recursive: true });
  const t0 = Date.now();
  try {
    const train = ['train', '--dataset', 'mnist', '--arch', 'tiny', '--pool', 'lift', '--width', '0.125', '--train-limit', '24', '--test-limit', '10', '--batch-size', '8', '--epochs', '3', '--quiet'];
    const seg = ['segment', 'train', '--dataset', 'mnist', '--down-up', 'lift-liftup', '--width', '0.0625', '--depth', '1', '--scene-size', '8', '--train-scenes', '6', '--test-scenes', '2', '--batch-size', '2', '--epochs', '3', '--quiet'];
    const results = [
      await campaign('train', train, ['weights.bin', 'model.json'], base),
      await campaign('segment train', seg, ['weights.bin', 'model.json', 'predictions.png'], base),
    ];
    const seconds = (Date.now() - t0) / 1000;
    for (const c of results) {
      console.log(`${c.command}: ${c.faultPoints} fault points per run; ${c.kills} SIGKILLs + ${c.signals} SIGINT/SIGTERM (${c.signalStops} stopped training, exit 130/143); ${c.resumes} resumes, ${c.refusals} refused clearly; ${c.identical} runs ended bit-identical; ${c.failures.length} failures`);
      for (const f of c.failures) console.log(`  FAIL ${f}`);
    }
    console.log(`total: ${results.reduce((n, c) => n + c.kills + c.signals, 0)} moments in ${seconds.toFixed(0)} s`);
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ results, seconds }, null, 2));
    if (results.some((c) => c.failures.length)) process.exitCode = 1;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
