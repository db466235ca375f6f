import { Anchor, Button, Card, Group, NativeSelect, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'react-router';
import { answer, ApiFailure } from '../../api/client';
import type { Page, ReviewItem } from '../../api/types';
import { ErrorNotice, Id, PageHeader, PagedList, StatusBadge, Time } from '../../components/ui';
import { words } from '../../format';
import { usePagedQuery } from '../../query';
import { useSession } from '../../session';

type Decision = 'accept_bank' | 'keep_ledger';

function Resolve({ review, onDone }: { review: ReviewItem; onDone(): void }) {
  const { client } = useSession();
  const [decision, setDecision] = useState<Decision>('keep_ledger');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiFailure>();
  const [running, setRunning] = useState(false);
  const resolve = async () => {
    setRunning(true);
    setError(undefined);
    try {
      await answer<ReviewItem>(
        client.POST('/api/v1/admin/reviews/{reviewId}/resolve', {
          params: { path: { reviewId: review.id } },
          body: { decision, note: note.trim() },
        }),
      );
      notifications.show({ color: 'teal', message: 'Review resolved' });
      onDone();
    } catch (failure) {
      setError(failure as ApiFailure);
    } finally {
      setRunning(false);
    }
  };
  return (
    <Stack gap="xs">
      <Group align="end" wrap="wrap">
        <NativeSelect
          label="Decision"
          value={decision}
          onChange={(event) => setDecision(event.currentTarget.value as Decision)}
          data={[
            { value: 'keep_ledger', label: 'Keep the ledger as it is' },
            { value: 'accept_bank', label: "Accept the bank's outcome" },
          ]}
        />
        <TextInput
          label="Note"
          name="note"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={error?.fieldMessage('note')}
          w={260}
        />
        <Button onClick={() => void resolve()} loading={running}>
          Resolve
        </Button>
      </Group>
      {error && error.fields.length === 0 && <ErrorNotice error={error} title="Not resolved" />}
    </Stack>
  );
}

export function ReviewsScreen() {
  const { client } = useSession();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const reviews = usePagedQuery(
    (cursor) =>
      answer<Page<ReviewItem>>(
        client.GET('/api/v1/admin/reviews', { params: { query: { status, cursor, limit: 20 } } }),
      ),
    [status],
    (change) => change.kind === 'review' || change.kind === 'transfer',
  );
  return (
    <>
      <PageHeader title="Review items">
        <SegmentedControl
          value={status}
          onChange={(value) => setStatus(value as 'open' | 'resolved')}
          data={['open', 'resolved']}
        />
      </PageHeader>
      <Text c="dimmed" size="sm" mb="md">
        Bank callbacks that contradict what the ledger recorded (MANUAL_REVIEW). No money moved; decide what to do.
      </Text>
      <PagedList paged={reviews} empty={status === 'open' ? 'Nothing to review.' : 'No resolved items.'}>
        {(rows) => (
          <Stack>
            {rows.map((review) => (
              <Card key={review.id} withBorder data-review={review.id}>
                <Group justify="space-between" mb="xs" wrap="wrap">
                  <Group gap={6}>
                    <StatusBadge status={review.status} />
                    <Text fw={600}>
                      Bank said {words(review.callbackType)}, ledger has {words(review.transferStatus)}
                    </Text>
                  </Group>
                  <Time at={review.createdAt} />
                </Group>
                <Text size="sm">{review.reason}</Text>
                <Group gap={6} mt={4}>
                  <Text size="sm" c="dimmed">
                    Transfer
                  </Text>
                  <Anchor component={Link} to={`/transactions?id=${review.transferId}`} size="sm">
                    <Id id={review.transferId} />
                  </Anchor>
                  <Text size="sm" c="dimmed">
                    callback {review.eventId}
                  </Text>
                </Group>
                {review.status === 'open' ? (
                  <Stack mt="sm">
                    <Resolve review={review} onDone={reviews.reload} />
                  </Stack>
                ) : (
                  <Text size="sm" mt="sm" data-resolution>
                    {words(review.decision ?? '')} by <Id id={review.resolvedBy ?? ''} /> at{' '}
                    <Time at={review.resolvedAt} />
                    {review.note ? ` — ${review.note}` : ''}
                  </Text>
                )}
              </Card>
            ))}
          </Stack>
        )}
      </PagedList>
    </>
  );
}
