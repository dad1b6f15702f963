/**
 * `liftpool demo` — the README's main job: train the tiny CNN on a Fashion-MNIST subset with max
 * pooling and with LiftDownPool2D, evaluate both, print a comparison table, and write it as
 * Markdown + JSON + an SVG plot of test accuracy per epoch.
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { lineChartSvg } from '../../report/plot.js';
import { markdownTable } from '../../report/markdown.js';
import type { PoolName } from '../../models/index.js';
import { int, list } from '../options.js';
import { POOL_NAMES } from '../../models/index.js';
import { prepareData, runClassifier, type ClassifierResults } from '../run-classifier.js';
import { backendOption, selectBackend } from './train.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('train max-pool and LiftPool tiny CNNs on a Fashion-MNIST subset and compare them (about 3–5 minutes on 2 cores)')
    .option('--pools <list>', 'comma-separated pools to compare', list(POOL_NAMES), ['max', 'lift'] as PoolName[])
    .option('--train-limit <n>', 'training images (class-balanced)', int(1), 3000)
    .option('--test-limit <n>', 'test images (class-balanced)', int(1), 1000)
    .option('--epochs <n>', 'epochs', int(1), 3)
    .option('--seed <n>', 'seed', int(0), 0)
    .option('--out <dir>', 'output directory', 'runs/demo')
    .addOption(backendOption())
    .action(async (o) => {
      const backend = await selectBackend(o.backend);
      const data = await prepareData('fashion-mnist', { trainLimit: o.trainLimit, testLimit: o.testLimit, seed: o.seed, pad32: false });
      process.stderr.write(`Fashion-MNIST: ${data.train.n} training and ${data.test.n} test images; tiny CNN; ${o.epochs} epochs; seed ${o.seed}\n`);
      const results: ClassifierResults[] = [];
      for (const pool of o.pools as PoolName[]) {
        results.push(await runClassifier({
          dataset: 'fashion-mnist', arch: 'tiny', pool, epochs: o.epochs, batchSize: 32, lr: 3e-3, optimizer: 'adam', momentum: 0.9,
          weightDecay: 0, schedule: 'cosine', seed: o.seed, width: 1, pad32: false, augment: false,
          out: join(o.out, pool), label: pool, command: `liftpool ${process.argv.slice(2).join(' ')}`,
        }, data));
      }
      const rows = results.map((r) => [r.pool, `${(100 * r.testAccuracy).toFixed(2)}%`, r.testLoss.toFixed(4), r.params, r.imagesPerSecond.toFixed(0), r.trainSeconds.toFixed(1)]);
      const table = markdownTable(['pool', 'test accuracy', 'test loss', 'params', 'train images/s', 'train s'], rows);
      const cmd = `liftpool ${process.argv.slice(2).join(' ')}`;
      const md = [
        `# liftpool demo`,
        '',
        `Tiny CNN on Fashion-MNIST (${data.train.n} train / ${data.test.n} test images, class-balanced), ${o.epochs} epochs, Adam 3e-3 cosine, batch 32, seed ${o.seed}, backend ${backend}.`,
        `Made by \`${cmd}\`.`,
        '',
        table,
        '',
        '![test accuracy per epoch](accuracy.svg)',
        '',
      ].join('\n');
      const svg = await lineChartSvg(
        results.map((r) => ({ name: r.pool, points: r.history.map((h) => [h.epoch, h.testAccuracy ?? NaN] as [number, number]) })),
        { title: 'Fashion-MNIST, tiny CNN: test accuracy', xTitle: 'epoch', yTitle: 'test accuracy' },
      );
      writeFileAtomic(join(o.out, 'demo.md'), md);
      writeFileAtomic(join(o.out, 'demo.json'), JSON.stringify({ command: cmd, backend, results }, null, 2));
      writeFileAtomic(join(o.out, 'accuracy.svg'), svg);
      console.log(`\n${table}\n`);
      console.log(`wrote ${join(o.out, 'demo.md')}, ${join(o.out, 'demo.json')}, ${join(o.out, 'accuracy.svg')}`);
    });
}
