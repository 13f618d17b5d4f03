import { fail } from './errors';

/**
 * A period a client asked for (either end optional), checked the one way
 * every report checks it: the missing end filled in (`to`: now; `from` by
 * the report's default), `from` before `to`, at most `maxDays` long —
 * else 400 invalid_range.
 */
export function checkedRange(
  asked: { from?: Date; to?: Date },
  rules: { now: Date; defaultFrom: (to: Date) => Date; maxDays: number },
): { from: Date; to: Date } {
  const to = asked.to ?? rules.now;
  const from = asked.from ?? rules.defaultFrom(to);
  if (from >= to) throw fail('invalid_range', { message: '"from" must be before "to".' });
  if (to.getTime() - from.getTime() > rules.maxDays * 86_400_000)
    throw fail('invalid_range', { message: `A range may span at most ${rules.maxDays} days.` });
  return { from, to };
}
