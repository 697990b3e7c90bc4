import { describe, expect, it } from 'vitest';
import { firstDifference } from '../e2e/checks';
import { expectedRows, FIXTURE_FILES, Row } from '../e2e/fixtures';

/** What a broken plugin would send back, derived from the real fixture rows. */
const want = expectedRows(FIXTURE_FILES[0]).slice(0, 20);
const mutate = (f: (rows: Row[]) => Row[]) => f(want.map((r) => ({ ...r })));

describe('the e2e comparison says what differed', () => {
  it('equal rows give no difference', () => {
    expect(firstDifference('orders', mutate((r) => r), want)).toBeUndefined();
  });

  it.each([
    ['a dropped column', (rows: Row[]) => rows.map(({ amount: _, ...rest }) => rest), 'table orders, row id=0, column amount: got undefined, want 0'],
    ['a changed value', (rows: Row[]) => { rows[3].customer = 'someone-else'; return rows; }, 'table orders, row id=3, column customer: got "someone-else", want "customer-3"'],
    ['a lost null', (rows: Row[]) => { rows[0].customer = ''; return rows; }, 'table orders, row id=0, column customer: got "", want null'],
    ['a missing row', (rows: Row[]) => rows.slice(1), 'table orders: got 19 rows, want 20'],
    ['a shifted timestamp', (rows: Row[]) => { rows[5].created_at = '2024-01-01T00:05:01.000Z'; return rows; }, 'table orders, row id=5, column created_at: got "2024-01-01T00:05:01.000Z", want "2024-01-01T00:05:00.000Z"'],
  ])('%s', (_, f, message) => {
    expect(firstDifference('orders', mutate(f), want)).toBe(message);
  });
});
