/** Argument parsers for commander options: each throws a clear message naming the option. */
import { InvalidArgumentError, type Command } from 'commander';

/** An integer >= `min` (and <= `max` when given). */
export function int(min = 1, max?: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || (max != null && n > max)) {
      throw new InvalidArgumentError(`expected an integer ${max == null ? `>= ${min}` : `from ${min} to ${max}`}, got '${v}'`);
    }
    return n;
  };
}

/** An odd integer >= 1 (a kernel size). */
export function oddInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n % 2 === 0) throw new InvalidArgumentError(`expected an odd integer >= 1, got '${v}'`);
  return n;
}

export function float(min = 0, exclusive = false) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (exclusive && n === min)) {
      throw new InvalidArgumentError(`expected a number ${exclusive ? '>' : '>='} ${min}, got '${v}'`);
    }
    return n;
  };
}

/** A parser that knows its allowed values (`--help` lists them, see {@link describeChoices}). */
export type ChoiceParser<R> = ((v: string) => R) & { choices: readonly string[]; listOf?: boolean };

export function oneOf<T extends string>(choices: readonly T[]): ChoiceParser<T> {
  const parse = (v: string): T => {
    if (!choices.includes(v as T)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${v}'`);
    return v as T;
  };
  return Object.assign(parse, { choices });
}

export function list<T extends string>(choices: readonly T[]): ChoiceParser<T[]> {
  const one = oneOf(choices);
  return Object.assign((v: string): T[] => v.split(',').map((s) => one(s.trim())), { choices, listOf: true });
}

/** Comma-separated integers >= `min`. */
export function intList(min = 0) {
  const one = int(min);
  return (v: string): number[] => v.split(',').map((s) => one(s.trim()));
}

/** Append the allowed values to the help text of every option of `cmd` (and its subcommands) parsed by {@link oneOf} or {@link list}. */
export function describeChoices(cmd: Command): void {
  for (const opt of cmd.options) {
    const parser = (opt as unknown as { parseArg?: Partial<ChoiceParser<unknown>> }).parseArg;
    if (parser?.choices && !opt.description.includes('(one of')) {
      opt.description += parser.listOf ? ` (comma-separated, each one of: ${parser.choices.join(', ')})` : ` (one of: ${parser.choices.join(', ')})`;
    }
  }
  for (const sub of cmd.commands) describeChoices(sub);
}
