import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgress } from '../src/cli/progress.js';
import { restoreTerminal } from '../src/cli/interrupt.js';

function fakeTty(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  Object.assign(s, { isTTY: true, columns: 80 });
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  return { stream: s, text: () => out };
}

test('the progress bar hides the cursor and turns line wrap off while it runs; stop() (called on an interrupt) turns both back on', async () => {
  const { stream, text } = fakeTty();
  const p = createProgress('', { stream });
  p.batch({ epoch: 0, batch: 1, batches: 3, loss: 1, accuracy: 0.5, imagesPerSecond: 10 });
  await new Promise((r) => setImmediate(r));
  assert.match(text(), /\x1b\[\?25l\x1b\[\?7l/);
  assert.doesNotMatch(text(), /\x1b\[\?25h/);
  p.stop();
  await new Promise((r) => setImmediate(r));
  const after = text().slice(text().lastIndexOf('\x1b[?7l'));
  assert.match(after, /\x1b\[\?25h\x1b\[\?7h/);
});

test('restoreTerminal writes cursor-on and wrap-on to a terminal and nothing to a pipe', async () => {
  const tty = fakeTty();
  restoreTerminal(tty.stream);
  const pipe = new PassThrough() as unknown as NodeJS.WriteStream;
  let piped = '';
  (pipe as unknown as PassThrough).on('data', (d: Buffer) => (piped += d.toString()));
  restoreTerminal(pipe);
  await new Promise((r) => setImmediate(r));
  assert.equal(tty.text(), '\x1b[?25h\x1b[?7h');
  assert.equal(piped, '');
});
