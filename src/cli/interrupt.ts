/**
 * Ctrl-C and SIGTERM during training: the first signal asks the training loop to stop after the
 * current batch and write a checkpoint; the command then restores the terminal, prints the command
 * that resumes and exits 130 (SIGINT) or 143 (SIGTERM). A second signal quits at once (checkpoints
 * are written as a unit, so the previous one stays usable).
 */
import { TrainingInterrupted } from '../train/loop.js';

const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Show the cursor and turn line wrap back on (what a progress bar may have turned off). */
export function restoreTerminal(stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write('\x1b[?25h\x1b[?7h');
}

export interface InterruptWatch {
  requested(): boolean;
  signal(): NodeJS.Signals | undefined;
  dispose(): void;
}

export function watchInterrupts(): InterruptWatch {
  let got: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (got) {
      restoreTerminal();
      process.stderr.write(`\nliftpool: ${sig} again: quitting without a new checkpoint\n`);
      process.exit(CODES[sig] ?? 1);
    }
    got = sig;
    process.stderr.write(`\nliftpool: ${sig}: stopping after this batch and writing a checkpoint (${sig === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again quits at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested: () => got != null,
    signal: () => got,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/** Quote one argument for a POSIX shell when needed. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line that resumes the current one: its arguments, without --force, with --resume. */
export function resumeCommand(argv: readonly string[] = process.argv.slice(2)): string {
  const args = argv.filter((a) => a !== '--force');
  if (!args.includes('--resume')) args.push('--resume');
  return `liftpool ${args.map(shellQuote).join(' ')}`;
}

/**
 * Run a training command's body with the signal watch; on {@link TrainingInterrupted} print where the
 * checkpoint is and how to resume, and set the exit code (130 / 143).
 */
export async function interruptible<T>(checkpointDir: string, body: (shouldStop: () => boolean) => Promise<T>): Promise<T | undefined> {
  const watch = watchInterrupts();
  try {
    return await body(watch.requested);
  } catch (err) {
    if (!(err instanceof TrainingInterrupted)) throw err;
    restoreTerminal();
    const sig = watch.signal() ?? 'SIGINT';
    const at = err.batchesDone ? `epoch ${err.epochsDone + 1}, after batch ${err.batchesDone}` : `the end of epoch ${err.epochsDone}`;
    process.stderr.write(`liftpool: interrupted (${sig}); checkpoint written in ${checkpointDir} at ${at}. Resume with:\n  ${resumeCommand()}\n`);
    process.exitCode = CODES[sig] ?? 1;
    return undefined;
  } finally {
    watch.dispose();
  }
}
