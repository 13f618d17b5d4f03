import fc from 'fast-check';
import { rawMember } from '../../dev/paypal/webhooks';

/**
 * The stand-in checks a webhook's signature over the exact text of
 * `webhook_event` in a verify request: that text must be found in any JSON
 * object, however it is spaced, whatever the other members hold (strings
 * with quotes and escapes, nested objects with a member of the same name,
 * a value that reads "webhook_event").
 */
describe('rawMember', () => {
  it('finds the exact text of a top-level member in any JSON object, spaced any way', () => {
    const key = fc.string().filter((k) => k !== '__proto__' && k !== 'webhook_event');
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue()), fc.jsonValue(), fc.nat(3), fc.boolean(), (others, event, indent, first) => {
        const members = first ? { webhook_event: event, ...others } : { ...others, webhook_event: event };
        const text = JSON.stringify(members, null, indent);
        const raw = rawMember(text, 'webhook_event');
        expect(raw).toBeDefined();
        expect(text.includes(raw!)).toBe(true);
        expect(JSON.parse(raw!)).toEqual(JSON.parse(text).webhook_event);
      }),
      { numRuns: 500 },
    );
  });

  it('does not take a nested member or a value for the top-level one', () => {
    expect(rawMember('{"a": {"webhook_event": 1}, "b": "webhook_event"}', 'webhook_event')).toBeUndefined();
    expect(rawMember('{"a": "x\\"webhook_event\\":", "webhook_event" : {"id": "W"} }', 'webhook_event')).toBe('{"id": "W"}');
  });
});
