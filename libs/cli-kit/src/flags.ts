// A small command-line flag parser: `--name value` or `--name=value`, every
// problem collected and reported together (unknown flags, missing values,
// repeats, missing required flags). Typed conversion happens in the caller,
// which adds its own problems to the same list.

export interface FlagSpec {
  readonly name: string;
  readonly help: string;
  /** Value shown in help, e.g. HOST:PORT. Omit for boolean flags. */
  readonly arg?: string;
  readonly required?: boolean;
  readonly default?: string;
  /**
   * A flag of the component we replace that Logbook accepts but does not act
   * on: parsing it yields a warning naming it, never silence.
   */
  readonly unimplemented?: boolean;
}

export interface ParseOptions {
  /** Also accept `-name` (Go's flag package, which etcd uses, takes both forms). */
  readonly singleDash?: boolean;
}

export interface ParsedFlags {
  readonly values: ReadonlyMap<string, string>;
  readonly problems: string[];
  readonly help: boolean;
  /** One line per given flag that is accepted but not implemented. */
  readonly warnings: string[];
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], options: ParseOptions = {}): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s] as const));
  const values = new Map<string, string>();
  const problems: string[] = [];
  const warnings: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    const dashes = a.startsWith('--') ? 2 : options.singleDash === true && a.startsWith('-') && a.length > 1 ? 1 : 0;
    if (dashes === 0) {
      problems.push(`unexpected argument "${a}"`);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(dashes) : a.slice(dashes, eq);
    const spec = byName.get(name);
    if (spec === undefined) {
      problems.push(`unknown flag --${name}`);
      continue;
    }
    let value: string;
    if (spec.arg === undefined) {
      value = eq === -1 ? 'true' : a.slice(eq + 1);
      if (value !== 'true' && value !== 'false') problems.push(`--${name} takes no value (or =true/=false)`);
    } else if (eq !== -1) {
      value = a.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--') || (options.singleDash === true && /^-[a-z]/.test(next))) {
        problems.push(`--${name} needs a value (${spec.arg})`);
        continue;
      }
      value = next;
      i++;
    }
    if (values.has(name)) problems.push(`--${name} given more than once`);
    if (spec.unimplemented === true) warnings.push(`--${name} is an accepted flag that Logbook does not implement; it has no effect`);
    values.set(name, value);
  }
  for (const s of specs) {
    if (values.has(s.name)) continue;
    if (s.default !== undefined) values.set(s.name, s.default);
    else if (s.required === true && !help) problems.push(`--${s.name} is required`);
  }
  return { values, problems, help, warnings };
}

export function formatFlagsHelp(specs: readonly FlagSpec[]): string {
  const rows = specs.filter((s) => s.unimplemented !== true).map((s) => [`--${s.name}${s.arg !== undefined ? ` ${s.arg}` : ''}`, s.help + (s.required === true ? ' (required)' : s.default !== undefined ? ` (default ${s.default})` : '')] as const);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`).join('\n');
}

/** Integer conversion that records a problem instead of throwing. */
export function intFlag(values: ReadonlyMap<string, string>, name: string, problems: string[], min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = values.get(name);
  if (raw === undefined) return min; // missing required flags are reported by parseFlags
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`--${name} must be an integer in [${min}, ${max}] (got "${raw}")`);
    return min;
  }
  return n;
}

/** `host:port` or `[v6]:port`. */
export function parseHostPort(s: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(s);
  if (m === null) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}
