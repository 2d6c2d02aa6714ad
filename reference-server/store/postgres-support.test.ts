import { describe, expect, it } from 'vitest';
import { parsePostgresUrl, pgText } from './postgres-support.js';

describe('postgres URL and text helpers', () => {
  it('splits ?schema= off the URL and keeps other parameters', () => {
    expect(parsePostgresUrl('postgres://u@127.0.0.1:5432/test?schema=run_1&sslmode=disable')).toEqual({
      connectionString: 'postgres://u@127.0.0.1:5432/test?sslmode=disable',
      schema: 'run_1',
    });
    expect(parsePostgresUrl('postgres://u@127.0.0.1/test').schema).toBeUndefined();
  });

  it('refuses a schema name that is not a plain identifier (it is interpolated into SQL)', () => {
    expect(() => parsePostgresUrl('postgres://u@h/db?schema=a";drop')).toThrow(/letters, digits and underscores/);
  });

  it('replaces NUL, which PostgreSQL text cannot hold', () => {
    expect(pgText('a\u0000b')).toBe('a\uFFFDb');
    expect(pgText(null)).toBeNull();
  });
});
