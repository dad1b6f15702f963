/** Argument parsers for commander options: each throws a clear message naming the option. */
import { InvalidArgumentError } from 'commander';

export function int(min = 1) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got '${v}'`);
    return n;
  };
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

export function oneOf<T extends string>(choices: readonly T[]) {
  return (v: string): T => {
    if (!choices.includes(v as T)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${v}'`);
    return v as T;
  };
}

export function list<T extends string>(choices: readonly T[]) {
  return (v: string): T[] => v.split(',').map((s) => oneOf(choices)(s.trim()));
}
