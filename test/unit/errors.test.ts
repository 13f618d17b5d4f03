import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../contract/errors';
import { ERROR_CATALOGUE } from '../../lib/error-catalogue';
import { errorTable } from '../../lib/error-table';
import { AppError, fail, trackNotFound } from '../../lib/errors';

describe('the error catalogue', () => {
  it('covers exactly the contract’s codes, each with a client or server status and a message', () => {
    expect(Object.keys(ERROR_CATALOGUE).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, { status, message }] of Object.entries(ERROR_CATALOGUE)) {
      expect({ code, ok: status >= 400 && status < 600 && message.length > 0 && /[.!?]$/.test(message) }).toEqual({ code, ok: true });
    }
  });

  it('is the README’s error table, row for row', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = /<!-- errors:start[^>]*-->\n([\s\S]*?)\n<!-- errors:end -->/.exec(readme)?.[1];
    expect(section).toBe(errorTable());
  });

  it('makes errors with the catalogue’s status and message, a precise message when given', () => {
    const err = fail('order_open', { details: { orderId: 1 } });
    expect(err).toBeInstanceOf(AppError);
    expect([err.status, err.code, err.message, err.details]).toEqual([
      409,
      'order_open',
      ERROR_CATALOGUE.order_open.message,
      { orderId: 1 },
    ]);
    expect(fail('file_too_large', { message: 'At most 5 bytes.' }).message).toBe('At most 5 bytes.');
    expect([trackNotFound().status, trackNotFound().message]).toEqual([404, 'No such track.']);
  });
});
