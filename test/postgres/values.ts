/**
 * What PostgreSQL holds for a value arrow-go read from a Parquet file, through this plugin and
 * CloudQuery's PostgreSQL destination (v8.16.0): each rule is the documented mapping (docs/using.md,
 * "Types"), losses included. `v` is internal/testkit/pgtypes' canonical form of the value (exact: numbers as
 * decimal text, binary as hex, times with nanoseconds, timestamps as UTC instants); the result is
 * compared with PostgreSQL's text of the column (`col::text`).
 */
export type Canonical = string | boolean | null | Canonical[] | { [k: string]: Canonical };

/** How one kind of column is compared. */
export interface ValueRule {
  /** The text PostgreSQL must show, or a predicate on it. */
  expect(v: Canonical): string | null | ((pg: string | null) => boolean);
}

const exact: ValueRule = { expect: (v) => (v === null ? null : String(v)) };

/** PostgreSQL keeps microseconds: nanoseconds are floored, trailing zeros dropped. */
function micros(fraction: string): string {
  const us = fraction.slice(0, 6).replace(/0+$/, '');
  return us ? `.${us}` : '';
}

const time: ValueRule = {
  expect: (v) => (v === null ? null : (([hms, frac]) => hms + micros(frac))(String(v).split('.'))),
};

const timestamp: ValueRule = {
  expect: (v) => {
    if (v === null) return null;
    const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)\.(\d{9})Z$/.exec(String(v));
    if (!m) throw new Error(`not a canonical timestamp: ${String(v)}`);
    return `${m[1]} ${m[2]}${micros(m[3])}`;
  },
};

/** Floats compare as numbers (PostgreSQL and Go format exponents differently); -0 stays -0. */
function float(bits: 32 | 64): ValueRule {
  const num = (s: string) => ({ 'NaN': NaN, '+Inf': Infinity, 'Infinity': Infinity, '-Inf': -Infinity, '-Infinity': -Infinity } as Record<string, number>)[s] ?? Number(s);
  const round = bits === 32 ? Math.fround : (x: number) => x;
  return {
    expect: (v) => (v === null ? null : (pg) => pg !== null && Object.is(round(num(pg)), round(num(String(v))))),
  };
}

/** An element of a PostgreSQL array literal. */
function arrayElement(e: Canonical, kind: 'number' | 'text' | 'float'): string {
  if (e === null) return 'NULL';
  const s = String(e);
  if (kind === 'float') return ({ '+Inf': 'Infinity', '-Inf': '-Infinity' } as Record<string, string>)[s] ?? s;
  if (kind === 'number') return s;
  return s === '' || /^null$/i.test(s) || /[{}",\\\s]/.test(s) ? `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"` : s;
}

function array(kind: 'number' | 'text' | 'float'): ValueRule {
  return { expect: (v) => (v === null ? null : `{${(v as Canonical[]).map((e) => arrayElement(e, kind)).join(',')}}`) };
}

/** Canonical numbers (decimal strings) as JSON numbers, for JSON comparisons. */
function numbersAsJSON(v: Canonical, isNumber: (path: string[]) => boolean, at: string[] = []): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((e) => numbersAsJSON(e, isNumber, [...at, '[]']));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, numbersAsJSON(e, isNumber, [...at, k])]));
  return isNumber(at) ? Number(v) : v;
}

/** A JSON column (jsonb, or text holding JSON): equal as parsed JSON. */
function json(toJSON: (v: Canonical) => unknown): ValueRule {
  return {
    expect: (v) => (v === null ? null : (pg) => pg !== null && JSON.stringify(sortKeys(JSON.parse(pg))) === JSON.stringify(sortKeys(toJSON(v)))),
  };
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, e]) => [k, sortKeys(e)]));
  return x;
}

const hexToUtf8 = (h: string) => Buffer.from(h, 'hex').toString('utf8');

export const RULES = {
  exact,
  float32: float(32),
  float64: float(64),
  /** NUL characters are dropped: PostgreSQL text cannot hold them. */
  text: { expect: (v: Canonical) => (v === null ? null : String(v).split('\0').join('')) } as ValueRule,
  bytea: { expect: (v: Canonical) => (v === null ? null : `\\x${String(v)}`) } as ValueRule,
  /** The destination writes fixed_size_binary as base64 text. */
  base64: { expect: (v: Canonical) => (v === null ? null : Buffer.from(String(v), 'hex').toString('base64')) } as ValueRule,
  bool: { expect: (v: Canonical) => (v === null ? null : v ? 'true' : 'false') } as ValueRule,
  time,
  timestamp,
  intArray: array('number'),
  floatArray: array('float'),
  textArray: array('text'),
  /** Lists of lists arrive as JSON (jsonb): numbers as JSON numbers. */
  nestedListJSON: json((v) => numbersAsJSON(v, () => true)),
  /** Structs and maps arrive as JSON text: `isNumber` says which fields are numbers. */
  jsonText: (isNumber: (path: string[]) => boolean) => json((v) => numbersAsJSON(v, isNumber)),
  /** Parquet JSON arrives as jsonb: equal as parsed JSON. */
  jsonb: json((v) => JSON.parse(hexToUtf8(String(v)))),
  nothing: { expect: () => null } as ValueRule,
};
