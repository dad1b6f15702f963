/** Progress output: a bar with loss, accuracy, images/s and ETA on a TTY; plain lines otherwise. */
import cliProgress from 'cli-progress';
import type { BatchProgress, EpochStats } from '../train/index.js';

export interface ProgressReporter {
  batch(p: BatchProgress): void;
  epoch(s: EpochStats, totalEpochs: number): void;
  stop(): void;
}

const fmt = (v: number | undefined, d = 4) => (v == null || Number.isNaN(v) ? '-' : v.toFixed(d));

export function epochLine(label: string, s: EpochStats, totalEpochs: number): string {
  const test = s.testAccuracy == null ? '' : ` test_loss ${fmt(s.testLoss)} test_acc ${fmt(s.testAccuracy)}`;
  return `${label}epoch ${s.epoch}/${totalEpochs} lr ${s.lr.toExponential(2)} loss ${fmt(s.trainLoss)} acc ${fmt(s.trainAccuracy)}${test} ${s.imagesPerSecond.toFixed(0)} img/s ${s.seconds.toFixed(1)} s`;
}

export function createProgress(label: string, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const prefix = label ? `[${label}] ` : '';
  if (opts.quiet) return { batch() {}, epoch() {}, stop() {} };
  if (!stream.isTTY) {
    let lastLog = 0;
    return {
      batch(p) {
        const now = Date.now();
        if (now - lastLog > 10_000 || p.batch === p.batches) {
          lastLog = now;
          stream.write(`${prefix}epoch ${p.epoch + 1} batch ${p.batch}/${p.batches} loss ${fmt(p.loss)} acc ${fmt(p.accuracy)} ${p.imagesPerSecond.toFixed(0)} img/s\n`);
        }
      },
      epoch(s, total) {
        stream.write(`${epochLine(prefix, s, total)}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${prefix}epoch {epoch} |{bar}| {value}/{total} loss {loss} acc {acc} {ips} img/s ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    batch(p) {
      const payload = { epoch: p.epoch + 1, loss: fmt(p.loss), acc: fmt(p.accuracy), ips: p.imagesPerSecond.toFixed(0) };
      if (!started) {
        bar.start(p.batches, p.batch, payload);
        started = true;
      } else {
        bar.update(p.batch, payload);
      }
    },
    epoch(s, total) {
      if (started) bar.stop();
      started = false;
      stream.write(`${epochLine(prefix, s, total)}\n`);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
