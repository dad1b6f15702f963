/** Command-line program definition (commander). Each subcommand lives in its own module. */
import { Command } from 'commander';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('liftpool')
    .description('LiftPool (bidirectional ConvNet pooling via the lifting scheme) for TensorFlow.js: experiments and benchmarks')
    .version(VERSION, '-v, --version', 'print the liftpool version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(`liftpool: ${str.replace(/^error: /, 'error: ')}`) });
  return program;
}
