/** Command-line program definition (commander). Each subcommand lives in its own module. */
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { describeChoices } from './options/parsers.js';
import { trainCommand, evalCommand } from './commands/train.js';
import { demoCommand } from './commands/demo.js';
import { segmentCommand } from './commands/segment.js';
import { benchCommand } from './commands/bench.js';
import { sweepCommand } from './commands/sweep.js';
import { tableCommand } from './commands/table.js';
import { robustnessCommand, corruptionsCommand } from './commands/robustness.js';
import { reportCommand } from './commands/report.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('liftpool')
    .description('LiftPool (bidirectional ConvNet pooling via the lifting scheme) for TensorFlow.js: experiments and benchmarks')
    .version(VERSION, '-v, --version', 'print the liftpool version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(`liftpool: ${str.replace(/^error: /, 'error: ')}`) });
  program.addCommand(demoCommand());
  program.addCommand(trainCommand());
  program.addCommand(evalCommand());
  program.addCommand(segmentCommand());
  program.addCommand(benchCommand());
  program.addCommand(sweepCommand());
  program.addCommand(tableCommand());
  program.addCommand(robustnessCommand());
  program.addCommand(corruptionsCommand());
  program.addCommand(reportCommand());
  applyToAll(program);
  describeChoices(program);
  return program;
}

/** Every (sub)command reports errors the same way: `liftpool: error: …` and a pointer to --help. */
function applyToAll(cmd: Command): void {
  for (const c of cmd.commands) {
    c.showHelpAfterError('(run with --help for usage)').configureOutput({ outputError: (str, write) => write(`liftpool: ${str}`) });
    applyToAll(c);
  }
}
