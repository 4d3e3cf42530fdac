import yargs, { type Argv, type Options as YargsOption, type PositionalOptions } from 'yargs';
import { failWithUsageError, UsageError } from './cli-support.js';

/**
 * Each CLI declares its flags once, in a table typed against the options of the function it
 * calls (vitest's `CLIOptions<Config>` idea): every option key must say which flag sets it, or
 * `null` for none. Adding an option without deciding its flag is a type error, and the flag's
 * kind must fit the option's type (a number option gets a number flag, a union of strings a
 * `choices` flag of those strings).
 */

interface FlagCommon {
  describe: string;
  /** The flag as typed, without dashes (default: the option's name in kebab-case). */
  flag?: string;
  /** A positional argument of the command (`show <index>`) instead of a `--flag`. */
  positional?: true;
}

export interface BooleanFlag extends FlagCommon {
  type: 'boolean';
  default?: boolean;
}

export interface NumberFlag extends FlagCommon {
  type: 'number';
  default?: number;
}

/** A free string, or one of `choices` (then `type` may be left out, as yargs allows). */
export interface StringFlag<T extends string> extends FlagCommon {
  type?: 'string';
  choices?: readonly T[];
  default?: T;
  /** Turns the raw text into the option's value (e.g. a bare `--report` into the default path). */
  parse?: (raw: string) => T;
}

export interface StringArrayFlag extends FlagCommon {
  type: 'string';
  array: true;
  /**
   * Also takes every argument after a bare `--`, as they are: the POSIX way to pass a value
   * that starts with a dash (`--images -- -x.png`). At most one flag of a command has it.
   */
  takesRest?: true;
}

/** A flag typed as text whose value is something else (`--normalize 0.1307,0.3081`). */
export interface ParsedFlag<T> extends FlagCommon {
  type: 'string';
  parse: (raw: string) => T;
}

/** A nested option object whose keys are flags of their own (train's hyperparameter overrides). */
export interface FlagGroup<T> {
  group: FlagTable<T>;
}

/** The flag an option of type T may have. */
export type FlagSpec<T> = [T] extends [boolean]
  ? BooleanFlag
  : [T] extends [number]
    ? NumberFlag
    : [T] extends [string]
      ? StringFlag<T>
      : [T] extends [readonly string[]]
        ? StringArrayFlag
        : ParsedFlag<T> | FlagGroup<T>;

/** One entry per option: its flag, or `null` when no flag sets it (callbacks, internal knobs). */
export type FlagTable<Options> = { [K in keyof Options]-?: FlagSpec<NonNullable<Options[K]>> | null };

/** What the command line gave, keyed like the options (flags left out are absent). */
export type FlagValues<Options> = { [K in keyof Options]?: Options[K] };

type AnySpec = FlagCommon & { type?: string; choices?: readonly string[]; default?: unknown; array?: true; takesRest?: true; parse?: (raw: string) => unknown };

const isGroup = (spec: object): spec is FlagGroup<unknown> => 'group' in spec;
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Every flag of a table with its option key, groups flattened in place (table order = --help order). */
function entries(table: object, path: string[] = []): { path: string[]; name: string; spec: AnySpec }[] {
  return Object.entries(table).flatMap(([key, spec]: [string, AnySpec | FlagGroup<unknown> | null]) => {
    if (spec === null) return [];
    if (isGroup(spec)) return entries(spec.group, [...path, key]);
    return [{ path: [...path, key], name: spec.flag ?? kebab(key), spec }];
  });
}

/** `--batch-size`: the flag that sets option `key` (for messages that name the flag). */
export function flagName<Options>(table: FlagTable<Options>, key: keyof Options & string): string {
  const entry = entries(table).find((e) => e.path.at(-1) === key);
  return `--${entry?.name ?? kebab(key)}`;
}

function yargsOption(spec: AnySpec): YargsOption {
  const option: YargsOption = { describe: spec.describe };
  if (spec.type) option.type = spec.type as YargsOption['type'];
  if (spec.choices) option.choices = [...spec.choices];
  if (spec.default !== undefined) option.default = spec.default;
  if (spec.array) option.array = true;
  return option;
}

/** Declares a table's flags (and positionals) on a yargs instance, in table order. */
export function declareFlags<T, Options>(y: Argv<T>, table: FlagTable<Options>): Argv<T> {
  for (const { name, spec } of entries(table)) {
    if (spec.positional) y.positional(name, yargsOption(spec) as PositionalOptions);
    else y.option(name, yargsOption(spec));
  }
  return y;
}

/**
 * Reads the parsed command line back into the options' shape: each flag's value under its
 * option key (inside its group), through the flag's `parse` when it has one. yargs has already
 * checked types and choices; values the user did not give are left out.
 */
export function readFlags<Options>(table: FlagTable<Options>, argv: Record<string, unknown>): FlagValues<Options> {
  const values: Record<string, unknown> = {};
  for (const { path, name, spec } of entries(table)) {
    const raw = argv[name];
    if (raw === undefined) continue;
    let target = values;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[path.at(-1)!] = spec.parse ? spec.parse(String(raw)) : raw;
  }
  return values as FlagValues<Options>;
}

/** A command without subcommands: its name, what it does, and its flags. */
export interface CommandLine<Options> {
  /** How users call it, e.g. `pnpm train`. */
  name: string;
  /** What it does: the paragraph under the usage line of --help. */
  summary: string;
  flags: FlagTable<Options>;
  /** Anything more it declares: conflicts between flags, examples. */
  configure?: <T>(parser: Argv<T>) => Argv<T>;
}

/**
 * Parses `args` against a command's flag table, the same way for every CLI: unknown flags and
 * bad values are UsageErrors (one line), --help lists the table, there is no --version.
 */
export async function parseCommandLine<Options>(args: string[], command: CommandLine<Options>): Promise<FlagValues<Options>> {
  // Everything after a bare `--` is data, never a flag: it goes to the flag that takes it.
  const cut = args.indexOf('--');
  const [flagArgs, rest] = cut < 0 ? [args, []] : [args.slice(0, cut), args.slice(cut + 1)];
  const parser = declareFlags(yargs(flagArgs).scriptName(command.name).usage(`$0 [options]\n\n${command.summary}`), command.flags);
  const argv = await (command.configure?.(parser) ?? parser).strict().fail(failWithUsageError).help().version(false).parseAsync();
  const values = readFlags(command.flags, argv);
  if (cut >= 0) appendRest(command.flags, values as Record<string, unknown>, rest);
  return values;
}

/** Adds the arguments after `--` to the flag that takes them (see StringArrayFlag.takesRest). */
function appendRest(table: object, values: Record<string, unknown>, rest: string[]): void {
  const taker = entries(table).find((e) => e.spec.takesRest);
  if (!taker) {
    if (rest.length === 0) return;
    throw new UsageError(`unexpected arguments after --: ${rest.join(' ')} (this command takes no file names there)`);
  }
  let target = values;
  for (const key of taker.path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
  const key = taker.path.at(-1)!;
  target[key] = [...((target[key] as string[] | undefined) ?? []), ...rest];
}
