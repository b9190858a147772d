// Where each flag's value comes from, as etcd decides it: the command line,
// else an ETCD_* environment variable, else the default. A flag given both
// ways takes the command line (etcd 3.4/3.5 refuse to start instead; Logbook
// warns, as its issue asks). Value checks for flags Logbook does not act on
// happen here too, because etcd would refuse a malformed one at startup.

import { parseFlags, type FlagSpec } from '@logbook/cli-kit';
import { flagEnvKey, STORE_FLAGS, STORE_FLAGS_BY_NAME, type StoreFlagSpec } from './etcd-flags.ts';
import { parseGoDurationMs } from '@logbook/cli-kit';

export type Env = Readonly<Record<string, string | undefined>>;

export interface FlagValues {
  /** The effective value: command line, else environment, else the literal default. */
  get(name: string): string | undefined;
  /** Given on the command line or in the environment (etcd's "set explicitly"). */
  isSet(name: string): boolean;
  /** The flag as a message should name it: `--x`, or `--x (from ETCD_X)`. */
  ref(name: string): string;
}

export interface SourcedFlags {
  readonly values: FlagValues;
  readonly help: boolean;
  readonly problems: string[];
  readonly warnings: string[];
}

// Defaults are applied here, after the environment, so cli-kit must not fill them in.
const PARSE_SPECS: readonly FlagSpec[] = STORE_FLAGS.map((s) => {
  const { default: _default, ...rest } = s;
  return rest;
});

/** Variables that name a flag but must not set it (etcd refuses ETCD_VERSION the same way). */
const NOT_FROM_ENV = new Set(['version', 'help']);

const ENV_TO_FLAG: ReadonlyMap<string, StoreFlagSpec> = new Map(STORE_FLAGS.filter((s) => !NOT_FROM_ENV.has(s.name)).map((s) => [flagEnvKey(s.name), s] as const));

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function unimplementedWarning(ref: string): string {
  return `${ref} is an accepted flag that Logbook does not implement; it has no effect`;
}

export function readFlagSources(argv: readonly string[], env: Env): SourcedFlags {
  const parsed = parseFlags(argv, PARSE_SPECS, { singleDash: true });
  const problems = [...parsed.problems];
  const warnings = [...parsed.warnings];
  const fromEnv = new Map<string, string>();

  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith('ETCD_')) continue;
    const value = env[key];
    const s = ENV_TO_FLAG.get(key);
    if (s === undefined) {
      warnings.push(NOT_FROM_ENV.has(key.slice(5).toLowerCase()) ? `environment variable ${key} cannot set a flag; ignored` : `unrecognized environment variable ${key}; ignored`);
      continue;
    }
    if (value === undefined || value === '') continue; // etcd treats an empty variable as unset
    if (parsed.values.has(s.name)) {
      warnings.push(`environment variable ${key} is shadowed by --${s.name} on the command line; ignored`);
      continue;
    }
    let v = value;
    if (s.kind === 'bool') {
      if (!GO_TRUE.has(value) && !GO_FALSE.has(value)) {
        problems.push(`invalid value "${value}" for ${key}: want true or false`);
        continue;
      }
      v = GO_TRUE.has(value) ? 'true' : 'false';
    }
    fromEnv.set(s.name, v);
    if (s.unimplemented === true) warnings.push(unimplementedWarning(`${key} (--${s.name})`));
  }

  const values: FlagValues = {
    get: (name) => parsed.values.get(name) ?? fromEnv.get(name) ?? STORE_FLAGS_BY_NAME.get(name)?.default,
    isSet: (name) => parsed.values.has(name) || fromEnv.has(name),
    ref: (name) => (fromEnv.has(name) ? `--${name} (from ${flagEnvKey(name)})` : `--${name}`),
  };
  for (const s of STORE_FLAGS) {
    if (s.unimplemented === true && values.isSet(s.name)) checkIgnoredValue(s, values, problems);
  }
  return { values, help: parsed.help || parsed.values.get('help') === 'true', problems, warnings };
}

/** The value of a flag Logbook accepts but does not act on: well-formed, and not one that would change what the process is. */
function checkIgnoredValue(s: StoreFlagSpec, values: FlagValues, problems: string[]): void {
  const v = values.get(s.name) ?? '';
  const ref = values.ref(s.name);
  const bad = (want: string): void => {
    problems.push(`invalid value "${v}" for ${ref}: want ${want}`);
  };
  switch (s.kind) {
    case 'uint':
      if (!/^\d+$/.test(v)) bad('a non-negative integer');
      break;
    case 'int':
      if (!/^-?\d+$/.test(v)) bad('an integer');
      break;
    case 'duration':
      if (parseGoDurationMs(v) === undefined) bad('a duration such as 300ms, 5s or 1h30m');
      break;
    case 'enum':
      if (!(s.values ?? []).includes(v)) bad(`one of ${(s.values ?? []).map((x) => `"${x}"`).join(', ')}`);
      break;
    case 'bool':
    case 'string':
    case 'urls':
    case 'list':
      break;
  }
  if (s.refuse !== undefined && v !== s.refuse.unless) problems.push(`${ref} is not supported: ${s.refuse.reason}`);
}
