import { Decision } from '../shared/result';

export const NOW = new Date('2026-11-22T12:00:00.000Z');
export const AT = NOW.toISOString();

/** given(events) / when(command) / then(events) or thenFails(code), for a pure decide/evolve pair. */
export function deciderSpec<Command, Event, State>(
  decide: (command: Command, state: State, now: Date) => Decision<Event>,
  evolve: (state: State, event: Event) => State,
  initialState: State,
) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const decision = decide(command, given.reduce(evolve, initialState), NOW);
      return {
        then: (expected: Event[]) => expect(decision).toEqual({ ok: true, events: expected }),
        thenFails: (code: string) => expect(decision).toMatchObject({ ok: false, error: { code } }),
      };
    },
  });
}
