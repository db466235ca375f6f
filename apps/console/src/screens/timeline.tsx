import { Card, Code, Grid, Text, Timeline, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { answer } from '../api/client';
import type { StoredEvent } from '../api/types';
import { formatTime } from '../format';
import { PageHeader, QueryState, StatusBadge } from '../components/ui';
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

/**
 * The page of one payment or transfer: its title and status, what it is (the children) beside the
 * steps it has been through, and for an admin the events of its stream.
 */
export function LifecyclePage({
  title,
  id,
  status,
  steps,
  stream,
  children,
}: {
  title: string;
  id: string;
  status: string;
  steps: Step[];
  stream: string;
  children: ReactNode;
}) {
  const { user } = useSession();
  return (
    <>
      <PageHeader title={title} id={id}>
        <StatusBadge status={status} />
      </PageHeader>
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>{children}</Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder>
            <Title order={4} mb="sm">
              Status
            </Title>
            <StatusTimeline steps={steps} />
          </Card>
        </Grid.Col>
      </Grid>
      {user.role === 'admin' && (
        <Card withBorder mt="md">
          <Title order={4} mb="sm">
            Events
          </Title>
          <StreamEvents stream={stream} entityId={id} />
        </Card>
      )}
    </>
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
