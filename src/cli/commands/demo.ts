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
import { prepareData, runClassifier, type ClassifierResults } from '../run-classifier.js';
import { commandLine } from '../provenance.js';
import { addOptions } from '../options/define.js';
import { dataOptions, type DataValues } from '../options/data.js';
import { modelOptions, type ModelValues } from '../options/model.js';
import { recipeOptions, type RecipeValues } from '../options/recipe.js';
import { backendOption, runControlOptions, selectBackend, type RunControlValues } from '../options/run-control.js';

type DemoValues = Pick<ModelValues, 'pools'> & Required<Pick<DataValues, 'trainLimit' | 'testLimit'>> & Pick<RecipeValues, 'epochs' | 'seed'> & Pick<RunControlValues, 'out' | 'backend'>;

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('train max-pool and LiftPool tiny CNNs on a Fashion-MNIST subset and compare them (about 3–5 minutes on 2 cores)');
  return addOptions(cmd,
    modelOptions({ pools: ['max', 'lift'] }),
    dataOptions({ trainLimit: 3000, testLimit: 1000 }, { trainLimit: 'training images (class-balanced)', testLimit: 'test images (class-balanced)' }),
    recipeOptions({ epochs: 3, seed: 0 }, { epochs: 'epochs', seed: 'seed' }),
    runControlOptions({ out: 'runs/demo' }),
    backendOption(),
  ).action(async (o: DemoValues) => {
    const command = commandLine();
    const backend = await selectBackend(o.backend);
    const data = await prepareData('fashion-mnist', { trainLimit: o.trainLimit, testLimit: o.testLimit, seed: o.seed, pad32: false });
    process.stderr.write(`Fashion-MNIST: ${data.train.n} training and ${data.test.n} test images; tiny CNN; ${o.epochs} epochs; seed ${o.seed}\n`);
    const results: ClassifierResults[] = [];
    for (const pool of o.pools) {
      results.push(await runClassifier({
        dataset: 'fashion-mnist', arch: 'tiny', pool, epochs: o.epochs, batchSize: 32, lr: 3e-3, optimizer: 'adam', momentum: 0.9,
        weightDecay: 0, schedule: 'cosine', seed: o.seed, width: 1, pad32: false, augment: false,
        out: join(o.out, pool), label: pool, command,
      }, data));
    }
    const rows = results.map((r) => [r.pool, `${(100 * r.testAccuracy).toFixed(2)}%`, r.testLoss.toFixed(4), r.params, r.imagesPerSecond.toFixed(0), r.trainSeconds.toFixed(1)]);
    const table = markdownTable(['pool', 'test accuracy', 'test loss', 'params', 'train images/s', 'train s'], rows);
    const md = [
      `# liftpool demo`,
      '',
      `Tiny CNN on Fashion-MNIST (${data.train.n} train / ${data.test.n} test images, class-balanced), ${o.epochs} epochs, Adam 3e-3 cosine, batch 32, seed ${o.seed}, backend ${backend}.`,
      `Made by \`${command}\`.`,
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
    writeFileAtomic(join(o.out, 'demo.json'), JSON.stringify({ command, backend, results }, null, 2));
    writeFileAtomic(join(o.out, 'accuracy.svg'), svg);
    console.log(`\n${table}\n`);
    console.log(`wrote ${join(o.out, 'demo.md')}, ${join(o.out, 'demo.json')}, ${join(o.out, 'accuracy.svg')}`);
  });
}
