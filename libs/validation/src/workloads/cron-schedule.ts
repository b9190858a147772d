// The cron schedule grammar kube accepts (robfig/cron's standard parser):
// five fields or an @descriptor, with robfig's exact error messages, which
// kube passes through as the detail of `spec.schedule: Invalid value`.

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAY_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELD_BOUNDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DAY_NAMES },
];
const DESCRIPTORS: ReadonlySet<string> = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const EVERY_PREFIX = '@every ';
// Go's int is 64 bits; strconv.Atoi refuses anything beyond.
const MAX_INT64 = 9223372036854775807n;

class CronError extends Error {}

// strconv.Atoi, with its error text.
function atoi(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const big = BigInt(expr);
  if (big > MAX_INT64 || big < -MAX_INT64 - 1n) {
    throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  }
  const n = Number(big);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names: Readonly<Record<string, number>> | undefined): number {
  const named = names !== undefined && Object.hasOwn(names, expr.toLowerCase()) ? names[expr.toLowerCase()] : undefined;
  return named ?? atoi(expr);
}

function checkRange(expr: string, b: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    start = parseIntOrName(lowAndHigh[0] ?? '', b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] ?? '', b.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1] ?? '');
    // `N/step` means `N-max/step`.
    if (lowAndHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
}

const DURATION_UNITS: ReadonlySet<string> = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']);

// time.ParseDuration's grammar, for `@every <duration>`.
function checkDuration(text: string): string | undefined {
  const quoted = JSON.stringify(text);
  let s = text.replace(/^[+-]/, '');
  if (s === '0') return undefined;
  if (s === '') return `time: invalid duration ${quoted}`;
  while (s !== '') {
    const num = /^([0-9]*(\.[0-9]*)?)/.exec(s)?.[1] ?? '';
    if (num === '' || num === '.') return `time: invalid duration ${quoted}`;
    s = s.slice(num.length);
    const unit = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return `time: missing unit in duration ${quoted}`;
    if (!DURATION_UNITS.has(unit)) return `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`;
    s = s.slice(unit.length);
  }
  return undefined;
}

/**
 * robfig/cron's ParseStandard: undefined for a valid schedule, else its error
 * message. A `TZ=`/`CRON_TZ=` prefix is accepted here (when the zone exists);
 * kube forbids it separately.
 */
export function cronScheduleError(spec: string, isTimeZone: (tz: string) => boolean): string | undefined {
  if (spec.length === 0) return 'empty spec string';
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const eq = rest.indexOf('=');
    const space = rest.indexOf(' ');
    const tz = rest.slice(eq + 1, space < 0 ? rest.length : space);
    if (!isTimeZone(tz)) return `provided bad location ${tz}: unknown time zone ${tz}`;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@')) {
    if (DESCRIPTORS.has(rest)) return undefined;
    if (rest.startsWith(EVERY_PREFIX)) {
      const err = checkDuration(rest.slice(EVERY_PREFIX.length));
      return err === undefined ? undefined : `failed to parse duration ${rest}: ${err}`;
    }
    return `unrecognized descriptor: ${rest}`;
  }
  const fields = rest.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== FIELD_BOUNDS.length) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  try {
    fields.forEach((f, i) => {
      for (const expr of f.split(',')) checkRange(expr, FIELD_BOUNDS[i] ?? { min: 0, max: 0 });
    });
  } catch (err: unknown) {
    if (err instanceof CronError) return err.message;
    throw err;
  }
  return undefined;
}
