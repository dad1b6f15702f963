/**
 * Side by side with PyTorch: the reference tiny CNN of `liftpool bench` (max pooling and
 * LiftDownPool2D) trained by liftpool on wasm and by PyTorch (bench/pytorch_tiny_cnn.py: the same
 * net, LiftPool written from SPEC §2 with stock ops), steps interleaved in one run (liftpool max,
 * liftpool lift, torch max, torch lift, then the reverse order, ...) so that load from other jobs
 * hits all four alike. Prints images/s medians and ranges, lift/max within each framework and
 * liftpool/PyTorch per pooling. `--constraint` picks LiftPool's constraint form on both sides:
 * `detached` (the package default: the losses of a second lifting pass on the stopped-gradient
 * input, so they train only the lifting weights) or `paper` (the losses of the one pass, their
 * gradient reaching the backbone too).
 *
 * PyTorch is a measuring instrument here, never a dependency: Debian `apt-get install python3-torch`.
 *
 *   npx tsx bench/compare-pytorch.ts [--steps 10] [--batch 64] [--constraint detached|paper] [--torch-threads N] [--python python3] [--json out.json]
 *
 * The wasm thread count is liftpool's default (free cores) unless LIFTPOOL_WASM_THREADS is set;
 * PyTorch's is its own default (torch.get_num_threads()) unless --torch-threads is given.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { backendInfo, useBestBackend } from '../src/backend/index.js';
import { median } from '../src/cli/bench-timing.js';
import { POOLS, trainer, type Pool } from '../src/cli/commands/bench.js';
import { DEFAULT_CONSTRAINT, type ConstraintForm } from '../src/lifting/index.js';

/** The constraint forms both sides implement. */
const FORMS = ['detached', 'paper'] as const;

function arg(name: string, fallback: string | undefined): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The first of the candidates that can import torch, or null. */
function findPython(candidates: string[]): string | null {
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

/** The PyTorch child: one training step per request, its wall time (ms) as the answer. */
class TorchSide {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }

  static async start(python: string, batch: number, threads: string | undefined, constraint: ConstraintForm): Promise<{ side: TorchSide; version: string; threads: number }> {
    const script = fileURLToPath(new URL('./pytorch_tiny_cnn.py', import.meta.url));
    const args = [script, '--batch', String(batch), '--constraint', constraint, ...(threads ? ['--threads', threads] : [])];
    const proc = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    proc.stderr.on('data', (d: Buffer) => process.stderr.write(`  [torch] ${d.toString()}`));
    const side = new TorchSide(proc);
    const [word, version, n] = (await side.next()).split(' ');
    if (word !== 'ready') throw new Error(`PyTorch side did not start: ${word}`);
    return { side, version, threads: Number(n) };
  }

  private async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error('the PyTorch side ended early');
    return r.value;
  }

  async step(pool: Pool): Promise<number> {
    this.proc.stdin.write(`${pool}\n`);
    const line = await this.next();
    const ms = Number(line);
    if (!Number.isFinite(ms)) throw new Error(`PyTorch side: ${line}`);
    return ms;
  }

  stop(): void {
    this.proc.stdin.end('quit\n');
  }
}

type Side = 'liftpool' | 'pytorch';
const key = (side: Side, pool: Pool) => `${side} ${pool}`;

async function main(): Promise<void> {
  const steps = Number(arg('steps', '10'));
  const batch = Number(arg('batch', '64'));
  const constraint = arg('constraint', DEFAULT_CONSTRAINT) as ConstraintForm;
  if (!(FORMS as readonly string[]).includes(constraint)) {
    console.error(`compare-pytorch: --constraint must be one of ${FORMS.join(', ')}, got ${constraint}`);
    process.exitCode = 2;
    return;
  }
  const candidates = arg('python', undefined) ? [arg('python', undefined)!] : ['python3', '/usr/bin/python3'];
  const python = findPython(candidates);
  if (python == null) {
    console.error(`compare-pytorch: no Python with torch among ${candidates.join(', ')} (Debian: apt-get install python3-torch; or pass --python)`);
    process.exitCode = 2;
    return;
  }
  await useBestBackend('wasm');
  const ours = backendInfo();
  const torch = await TorchSide.start(python, batch, arg('torch-threads', undefined), constraint);
  const runs = new Map(POOLS.map((p) => [p, trainer(p, batch, constraint)] as const));
  const ms = new Map<string, number[]>();
  const order: [Side, Pool][] = [['liftpool', 'max'], ['liftpool', 'lift'], ['pytorch', 'max'], ['pytorch', 'lift']];
  try {
    const once = async (side: Side, pool: Pool): Promise<number> => {
      if (side === 'pytorch') return torch.side.step(pool);
      const t0 = performance.now();
      await runs.get(pool)!.step();
      return performance.now() - t0;
    };
    for (const [side, pool] of order) await once(side, pool); // warm-up
    process.stderr.write(`${steps} interleaved steps each (liftpool wasm ${ours.threads} thread(s), PyTorch ${torch.version} ${torch.threads} thread(s)) ...\n`);
    for (let i = 0; i < steps; i++) {
      for (const [side, pool] of i % 2 === 0 ? order : [...order].reverse()) {
        const t = await once(side, pool);
        ms.set(key(side, pool), [...(ms.get(key(side, pool)) ?? []), t]);
      }
    }
  } finally {
    torch.side.stop();
    for (const r of runs.values()) r.dispose();
  }
  const ips = (side: Side, pool: Pool) => ms.get(key(side, pool))!.map((t) => (1000 * batch) / t);
  const med = (side: Side, pool: Pool) => median(ips(side, pool));
  const rows = order.map(([side, pool]) => {
    const v = ips(side, pool);
    return {
      side, pool,
      threads: side === 'liftpool' ? ours.threads : torch.threads,
      imagesPerSecond: med(side, pool), min: Math.min(...v), max: Math.max(...v),
      liftOverMax: pool === 'lift' ? med(side, 'lift') / med(side, 'max') : null,
      liftpoolOverPytorch: side === 'liftpool' ? med('liftpool', pool) / med('pytorch', pool) : null,
    };
  });
  console.log(`\nTiny CNN training, batch ${batch}, Adam, LiftPool constraint form '${constraint}'; images/s, median (range) of ${steps} steps, all four interleaved in one run\n`);
  console.log('| framework | pool | threads | images/s | lift / max | liftpool / PyTorch |\n| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const name = r.side === 'liftpool' ? 'liftpool (wasm)' : `PyTorch ${torch.version}`;
    console.log(`| ${name} | ${r.pool} | ${r.threads} | ${r.imagesPerSecond.toFixed(0)} (${r.min.toFixed(0)}–${r.max.toFixed(0)}) | ${r.liftOverMax?.toFixed(2) ?? ''} | ${r.liftpoolOverPytorch?.toFixed(2) ?? ''} |`);
  }
  const json = arg('json', undefined);
  if (json) {
    writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), command: `npx tsx bench/compare-pytorch.ts ${process.argv.slice(2).join(' ')}`, batch, steps, constraint, backend: ours, pytorch: { version: torch.version, threads: torch.threads }, rows }, null, 2));
    console.log(`\nwrote ${json}`);
  }
}

await main();
