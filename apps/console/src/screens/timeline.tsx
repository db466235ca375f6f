import { Code, Text, Timeline } from '@mantine/core';
import { answer } from '../api/client';
import type { StoredEvent } from '../api/types';
import { formatTime } from '../format';
import { QueryState } from '../components/ui';
import { touches, useQuery } from '../query';
import { useSession } from '../session';

export interface Step {
  title: string;
  at?: string | null;
  detail?: string;
  /** Reached (filled bullet) or still ahead. */
  done: boolean;
}

export function StatusTimeline({ steps }: { steps: Step[] }) {
  const active = steps.filter((step) => step.done).length - 1;
  return (
    <Timeline active={active} bulletSize={18} lineWidth={2}>
      {steps.map((step) => (
        <Timeline.Item key={step.title} title={step.title} data-step={step.title}>
          {step.at && (
            <Text size="xs" c="dimmed">
              {formatTime(step.at)}
            </Text>
          )}
          {step.detail && <Text size="sm">{step.detail}</Text>}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

/** Admins see the stream itself: every event, in order, with its data. */
export function StreamEvents({ stream, entityId }: { stream: string; entityId: string }) {
  const { client } = useSession();
  const events = useQuery(
    () =>
      answer<{ events: StoredEvent[] }>(
        client.GET('/api/v1/admin/streams/{streamName}', {
          params: { path: { streamName: stream }, query: { limit: 1000 } },
        }),
      ),
    [stream],
    touches(entityId),
  );
  return (
    <QueryState query={events} isEmpty={(found) => found.events.length === 0} empty="No events in this stream.">
      {(found) => (
        <Timeline active={found.events.length - 1} bulletSize={16}>
          {found.events.map((event) => (
            <Timeline.Item key={event.id} title={`${String(event.revision)} · ${event.type}`}>
              <Text size="xs" c="dimmed">
                {formatTime(event.createdAt)} · position {event.position}
              </Text>
              <Code block fz="xs" mt={4}>
                {JSON.stringify(event.data, null, 2)}
              </Code>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </QueryState>
  );
}
