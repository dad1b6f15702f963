/**
 * Progress of a sweep across its parallel jobs. On a terminal: a block redrawn in place, one line for
 * the whole sweep (done / running / failed, ETA) and one per running job. Otherwise (a log file, CI):
 * one line per event (start, epoch finished, done, failed), each prefixed by the sweep's counts.
 */
import type { Job, JobEvent } from './jobs.js';

export interface SweepProgress {
  event(e: JobEvent): void;
  stop(): void;
}

interface Running {
  job: Job;
  start: number;
  fraction: number;
  text: string;
}

const duration = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(0)} min` : `${s.toFixed(0)} s`);

export function createSweepProgress(total: number, parallel: number, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): SweepProgress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { event() {}, stop() {} };
  const running = new Map<Job, Running>();
  const durations: number[] = [];
  let done = 0;
  let skipped = 0;
  let failed = 0;
  let busy = 0;

  const eta = (): string => {
    if (durations.length === 0) return '';
    const avg = durations.reduce((a, b) => a + b, 0) / durations.length;
    const left = total - done - skipped - failed - busy - running.size + [...running.values()].reduce((s, r) => s + 1 - r.fraction, 0);
    if (left <= 0) return '';
    return `, ETA ~${duration((left * avg) / Math.max(1, Math.min(parallel, left || 1)))}`;
  };
  const head = () => `sweep: ${done + skipped}/${total} done${skipped ? ` (${skipped} before)` : ''}, ${running.size} running${failed ? `, ${failed} failed` : ''}${busy ? `, ${busy} busy elsewhere` : ''}${eta()}`;

  if (!stream.isTTY) {
    return {
      event(e) {
        if (e.type === 'skip') {
          if (e.reason === 'done') skipped++;
        else busy++;
          stream.write(`[${head()}] skip ${e.job.label}: ${e.detail}\n`);
        } else if (e.type === 'start') {
          running.set(e.job, { job: e.job, start: Date.now(), fraction: 0, text: '' });
          stream.write(`[${head()}] start ${e.job.label}${e.resume ? ' (resuming its checkpoint)' : ''} -> ${e.job.dir}\n`);
        } else if (e.type === 'progress') {
          const r = running.get(e.job);
          if (r) r.fraction = e.fraction;
          if (/^epoch \d+\/\d+/.test(e.text)) stream.write(`[${head()}] ${e.job.label}: ${e.text}\n`);
        } else {
          running.delete(e.job);
          if (e.type === 'done') {
            done++;
            durations.push(e.seconds);
            stream.write(`[${head()}] done ${e.job.label} in ${duration(e.seconds)}\n`);
          } else {
            failed++;
            stream.write(`[${head()}] FAILED ${e.job.label} (exit ${e.code ?? e.signal}); last lines:\n${e.tail.map((l) => `    ${l}`).join('\n')}\n`);
          }
        }
      },
      stop() {},
    };
  }

  let drawn = 0;
  const draw = () => {
    const width = stream.columns || 100;
    const lines = [head(), ...[...running.values()].map((r) => {
      const bar = '#'.repeat(Math.round(20 * r.fraction)).padEnd(20, '.');
      return `  ${r.job.label.padEnd(14)} |${bar}| ${(100 * r.fraction).toFixed(0).padStart(3)}% ${duration((Date.now() - r.start) / 1000).padStart(6)}  ${r.text}`;
    })].map((l) => l.slice(0, width - 1));
    stream.write(`${drawn ? `\x1b[${drawn}F` : ''}\x1b[J${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const note = (s: string) => {
    // a permanent line above the redrawn block
    stream.write(`${drawn ? `\x1b[${drawn}F` : ''}\x1b[J${s}\n`);
    drawn = 0;
    draw();
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    event(e) {
      if (e.type === 'skip') {
        if (e.reason === 'done') skipped++;
        else busy++;
        if (e.reason === 'busy') note(`skip ${e.job.label}: ${e.detail}`);
      } else if (e.type === 'start') {
        running.set(e.job, { job: e.job, start: Date.now(), fraction: 0, text: e.resume ? 'resuming' : 'starting' });
      } else if (e.type === 'progress') {
        const r = running.get(e.job);
        if (r) Object.assign(r, { fraction: e.fraction, text: e.text });
      } else {
        running.delete(e.job);
        if (e.type === 'done') {
          done++;
          durations.push(e.seconds);
          note(`done ${e.job.label} in ${duration(e.seconds)}`);
        } else {
          failed++;
          note(`FAILED ${e.job.label} (exit ${e.code ?? e.signal}); last lines:\n${e.tail.map((l) => `    ${l}`).join('\n')}`);
        }
      }
      draw();
    },
    stop() {
      clearInterval(timer);
      draw();
    },
  };
}
