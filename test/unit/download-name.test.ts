import { downloadName } from '../../services/streaming/stream.service';

/** The file name a download is saved under: safe on every system, never empty. */
describe('downloadName', () => {
  it('keeps an ordinary name as it is', () => {
    expect(downloadName('Tide Pool - Ebb')).toBe('Tide Pool - Ebb');
  });

  it('turns separators, reserved and control characters into single spaces', () => {
    expect(downloadName('AC/DC: "Live"\u0000 <at> the\\Hall|?*')).toBe('AC DC Live at the Hall');
  });

  it('strips leading and trailing dots and spaces (no hidden file, no trailing dot on Windows)', () => {
    expect(downloadName('..  .hidden track. .')).toBe('hidden track');
  });

  it('names a file with nothing left "track"', () => {
    expect(downloadName(' ./.. ')).toBe('track');
    expect(downloadName('')).toBe('track');
  });

  it('keeps at most 150 characters, in composed form', () => {
    expect(downloadName('e\u0301'.repeat(200))).toBe('é'.repeat(150));
  });
});
