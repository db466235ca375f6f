import type { CommandRecord, StatesOf, StreamSpecs } from '@ledger/event-sourcing';
import type { AppendRecord } from '@ledger/event-store';

/**
 * A request's answer on a route whose idempotency record commits with its command's events (see
 * AnswerRecordedWithEvents in idempotency.interceptor.ts): the command builds the record from its decision, before the append,
 * and the interceptor sends the body text that was committed, so the first answer and its replays
 * are the same bytes.
 */
export class AnswerRecording {
  /** The body text committed with the command's events; undefined while none was. */
  private committed: { bodyText: string | null } | undefined;

  constructor(
    /** The record of an answer with this body text (its status and headers are the route's). */
    private readonly recordOf: (bodyText: string | null) => AppendRecord,
  ) {}

  get committedBodyText(): string | null | undefined {
    return this.committed?.bodyText;
  }

  /** The command's record: the answer `bodyOf` the states its decision leaves. */
  of<Streams extends StreamSpecs>(bodyOf: (states: StatesOf<Streams>) => unknown): CommandRecord<Streams> {
    let bodyText: string | null = null;
    return {
      of: (states) => {
        bodyText = serializeBody(bodyOf(states));
        return this.recordOf(bodyText);
      },
      committed: () => {
        this.committed = { bodyText };
      },
    };
  }
}

/** A body as an answer's text: JSON, or null for none. */
export function serializeBody(body: unknown): string | null {
  return body === undefined || body === null ? null : JSON.stringify(body);
}

type RecordingRequest = { answerRecording?: AnswerRecording };

/** Gives the request's command its answer's recording (the interceptor does, for the routes so marked). */
export function attachAnswerRecording(request: object, recording: AnswerRecording): void {
  (request as RecordingRequest).answerRecording = recording;
}

export function answerRecordingOf(request: object): AnswerRecording | undefined {
  return (request as RecordingRequest).answerRecording;
}
