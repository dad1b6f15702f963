#!/usr/bin/env node
/**
 * The `liftpool` command: a thin shell over the library modules.
 */
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`liftpool: error: ${msg}\n`);
    if (process.env.LIFTPOOL_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
