import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { declareFlags, failWithUsageError, flagName, readFlags, UsageError, type FlagTable } from '../src/node/index.js';

interface Limits {
  maxItems?: number;
  names?: readonly string[];
}

/** Options of some API: every key needs a flag or null, and each flag's kind fits its type. */
interface Options {
  mode?: 'fast' | 'exact';
  verbose?: boolean;
  ratio?: { a: number; b: number };
  limits?: Limits;
  onEvent?: (event: string) => void;
}

const LIMIT_FLAGS: FlagTable<Limits> = {
  maxItems: { type: 'number', describe: 'at most N' },
  names: { flag: 'name', type: 'string', array: true, describe: 'repeatable' },
};

const TABLE: FlagTable<Options> = {
  mode: { choices: ['fast', 'exact'], default: 'fast', describe: 'how to run' },
  verbose: { type: 'boolean', default: false, describe: 'say more' },
  ratio: {
    type: 'string',
    describe: 'A,B',
    parse: (raw) => {
      const [a, b] = raw.split(',').map(Number);
      if (!(b > 0)) throw new UsageError(`--ratio expects A,B with B > 0, got "${raw}"`);
      return { a, b };
    },
  },
  limits: { group: LIMIT_FLAGS },
  onEvent: null,
};

// @ts-expect-error: an option without a flag decision does not compile.
const _missing: FlagTable<Options> = { mode: null, verbose: null, ratio: null, limits: null };
// @ts-expect-error: a number flag for a boolean option does not compile.
const _wrongKind: FlagTable<Options> = { mode: null, verbose: { type: 'number', describe: '' }, ratio: null, limits: null, onEvent: null };
// @ts-expect-error: choices outside the option's type do not compile.
const _wrongChoice: FlagTable<Options> = { mode: { choices: ['slow'], describe: '' }, verbose: null, ratio: null, limits: null, onEvent: null };

const parse = (args: string[]) => {
  const argv = declareFlags(yargs(args), TABLE).strict().fail(failWithUsageError).help(false).version(false).parseSync();
  return readFlags(TABLE, argv);
};

describe('flag tables', () => {
  it('read the command line back in the options\' shape, groups nested, parsers applied', () => {
    expect(parse(['--mode', 'exact', '--ratio', '1,2', '--max-items', '3', '--name', 'x', '--name', 'y'])).toEqual({
      mode: 'exact',
      verbose: false,
      ratio: { a: 1, b: 2 },
      limits: { maxItems: 3, names: ['x', 'y'] },
    });
  });

  it('leave out what was not given (defaults excepted)', () => {
    expect(parse([])).toEqual({ mode: 'fast', verbose: false });
  });

  it('keep yargs\' one-line errors, and a parser\'s own', () => {
    expect(() => parse(['--mode', 'slow'])).toThrow(/^Invalid values:\s+Argument: mode, Given: "slow", Choices: "fast", "exact"$/);
    expect(() => parse(['--bogus'])).toThrow('Unknown argument: bogus');
    expect(() => parse(['--ratio', '1,0'])).toThrow('--ratio expects A,B with B > 0, got "1,0"');
  });

  it('name the flag of an option, renamed or kebab-cased', () => {
    expect(flagName(LIMIT_FLAGS, 'names')).toBe('--name');
    expect(flagName(LIMIT_FLAGS, 'maxItems')).toBe('--max-items');
    expect(flagName(TABLE, 'verbose')).toBe('--verbose');
  });
});
