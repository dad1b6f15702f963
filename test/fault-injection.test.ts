import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

// The full campaign (≥ 50 moments) is `npx tsx scripts/fault-injection.ts`; the suite runs it small:
// per command 2 chains (kill at a fault point → resume killed at another → resume) and 2 signals.
test('killed or interrupted `train` and `segment train` runs resume bit-identical or refuse clearly (small fault-injection campaign)', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-faults-test-'));
  try {
    const json = join(dir, 'faults.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fault-injection.ts', '--kills', '4', '--signals', '2', '--json', json], { cwd: root, encoding: 'utf8', timeout: 540_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const { results } = JSON.parse(readFileSync(json, 'utf8')) as { results: { command: string; kills: number; signals: number; signalStops: number; identical: number; failures: string[] }[] };
    assert.deepEqual(results.map((c) => c.command), ['train', 'segment train']);
    for (const c of results) {
      assert.deepEqual(c.failures, []);
      assert.ok(c.kills >= 3, `${c.command}: ${c.kills} kills`); // a resume refused (no checkpoint yet) is not killed
      assert.equal(c.signals, 2);
      assert.ok(c.signalStops >= 1, `${c.command}: a signal stopped training`);
      assert.equal(c.identical, 2 + 2, `${c.command}: every chain ended bit-identical`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
