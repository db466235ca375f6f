import { Decision } from '../shared/result';

export const NOW = new Date('2026-11-22T12:00:00.000Z');
export const AT = NOW.toISOString();

/**
 * The matchers a specification needs, passed in (jest's `expect` fits) so that the domain depends
 * on no test runner's globals or types.
 */
export type Expect = (actual: unknown) => {
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
};

/** What a decision may carry besides `ok`, when it is accepted. */
type Accepted<Result> = Omit<Extract<Result, { ok: true }>, 'ok'>;

/**
 * given(states) / when(command) / then(what is written) or thenFails(code, and what the refusal
 * carries, if anything), for a decider over all the states a command needs.
 */
export function decisionSpec<Command, States, Result extends { ok: boolean }>(
  expect: Expect,
  decide: (command: Command, states: States, now: Date) => Result,
) {
  return (given: States) => ({
    when: (command: Command, now: Date = NOW) => {
      const decision = decide(command, given, now);
      return {
        then: (expected: Accepted<Result>) => expect(decision).toEqual({ ok: true, ...expected }),
        thenFails: (code: string, carried: object = {}) =>
          expect(decision).toMatchObject({ ok: false, error: { code }, ...carried }),
      };
    },
  });
}

/** given(events) / when(command) / then(events) or thenFails(code), for a pure decide/evolve pair. */
export function deciderSpec<Command, Event, State>(
  expect: Expect,
  decide: (command: Command, state: State, now: Date) => Decision<Event>,
  evolve: (state: State, event: Event) => State,
  initialState: State,
) {
  const spec = decisionSpec(expect, decide);
  return (given: Event[]) => {
    const { when } = spec(given.reduce(evolve, initialState));
    return {
      when: (command: Command) => {
        const { then, thenFails } = when(command);
        return { then: (events: Event[]) => then({ events }), thenFails };
      },
    };
  };
}
