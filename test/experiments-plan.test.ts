import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('docs/experiments.md quotes the hours that scripts/experiments.sh estimate computes', () => {
  const r = spawnSync('bash', ['scripts/experiments.sh', 'estimate'], { cwd: root, encoding: 'utf8', env: { ...process.env, SEEDS: '0 1 2' } });
  assert.equal(r.status, 0, r.stderr);
  const doc = readFileSync(`${root}/docs/experiments.md`, 'utf8');
  const steps: [RegExp, RegExp][] = [
    [/^classification vgg13\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| classification VGG13 \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^classification resnet18\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| classification ResNet18 \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^classification mobilenetv2\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| classification MobileNetV2 \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^ablation vgg13 \S+\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| ablation VGG13 \S+ \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^robustness \(all backbones\)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| robustness \(54 models\) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^segmentation \(5 variants\)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| segmentation \(5 variants\) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
  ];
  for (const [script, docs] of steps) {
    const s = script.exec(r.stdout);
    const d = docs.exec(doc);
    assert.ok(s && d, `${script} / ${docs}`);
    assert.deepEqual(d!.slice(1), s!.slice(1), s![0]);
  }
  const total = /^total\s+([\d.]+)\s+([\d.]+)$/m.exec(r.stdout)!;
  assert.match(doc, new RegExp(`\\| \\*\\*total\\*\\* \\| 135 \\| \\*\\*${total[1].replace('.', '\\.')}\\*\\* \\|`));
  assert.equal(spawnSync('bash', ['-n', 'scripts/experiments.sh']).status, 0);
});
