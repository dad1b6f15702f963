/**
 * Option groups: a group is a catalog of options (flags, help text, parser) keyed by the name of the
 * parsed value; a command takes the options of a group it lists, with its own defaults and, where
 * its meaning differs, its own help text. The catalog's order is the order in `--help`.
 */
import { Option, type Command } from 'commander';

/** How one option is spelled, described and parsed; its default belongs to the command. */
export interface OptionDef {
  flags: string;
  help: string;
  parse?: (v: string) => unknown;
}

/** One definition per parsed value of `V` (the key is the camel-cased long flag, as commander names it). */
export type Catalog<V> = { readonly [K in keyof V]-?: OptionDef };

/** The options a command takes from a group: each listed key with its default (`undefined`: none). */
export type Defaults<V> = { [K in keyof V]?: V[K] | undefined };

/** Help texts that replace the catalog's, for options whose meaning differs in a command. */
export type HelpTexts<V> = { [K in keyof V]?: string };

/** The options of `catalog` listed in `defaults`, in catalog order. */
export function optionsOf<V>(catalog: Catalog<V>, defaults: Defaults<V>, help: HelpTexts<V> = {}): Option[] {
  const keys = (Object.keys(catalog) as (keyof V & string)[]).filter((k) => Object.hasOwn(defaults, k));
  for (const k of Object.keys(defaults)) {
    if (!Object.hasOwn(catalog, k)) throw new Error(`internal: option '${k}' is not in this group (${Object.keys(catalog).join(', ')})`);
  }
  return keys.map((k) => {
    const def = catalog[k];
    const opt = new Option(def.flags, help[k] ?? def.help);
    if (def.parse) opt.argParser(def.parse);
    if (defaults[k] !== undefined) opt.default(defaults[k]);
    return opt;
  });
}

/** Add the options (groups and single ones, flattened) to `cmd`, in order. */
export function addOptions(cmd: Command, ...options: (Option | Option[])[]): Command {
  for (const opt of options.flat()) cmd.addOption(opt);
  return cmd;
}
