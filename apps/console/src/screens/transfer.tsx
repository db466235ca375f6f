import { Card, Group, Stack, Text } from '@mantine/core';
import { useParams } from 'react-router';
import { answer } from '../api/client';
import type { Transfer } from '../api/types';
import { Id, Money, NotLoaded, Time } from '../components/ui';
import { touches, useQuery } from '../query';
import { useSession } from '../session';
import { LifecyclePage, type Step } from './timeline';

function transferSteps(transfer: Transfer, kind: string): Step[] {
  const finished = transfer.status === 'succeeded' || transfer.status === 'failed';
  return [
    {
      title: 'Requested',
      at: transfer.createdAt,
      done: true,
      detail: kind === 'withdrawal' ? 'Amount held on the account' : undefined,
    },
    { title: 'Sent to the bank', done: transfer.status !== 'pending' || finished },
    finished
      ? {
          title: transfer.status === 'succeeded' ? 'Settled' : 'Failed',
          at: transfer.updatedAt,
          done: true,
          detail:
            transfer.status === 'failed'
              ? (transfer.failureReason ?? undefined)
              : kind === 'deposit'
                ? 'Account credited'
                : 'Account debited',
        }
      : { title: 'Bank confirmation', done: false, detail: 'Waiting for the bank' },
  ];
}

export function TransferScreen() {
  const { kind = 'deposit', transferId = '' } = useParams();
  const { client } = useSession();
  const path = kind === 'withdrawal' ? '/api/v1/withdrawals/{id}' : '/api/v1/deposits/{id}';
  const transfer = useQuery(
    () => answer<Transfer>(client.GET(path, { params: { path: { id: transferId } } })),
    [path, transferId],
    touches(transferId),
  );
  if (!transfer.data) return <NotLoaded error={transfer.error} />;
  const data = transfer.data;
  return (
    <LifecyclePage
      title={kind === 'withdrawal' ? 'Withdrawal' : 'Deposit'}
      id={data.id}
      status={data.status}
      steps={transferSteps(data, kind)}
      stream={`${kind}-${data.id}`}
    >
      <Card withBorder>
        <Stack gap="xs">
          <Text size="xl" fw={700}>
            <Money amount={data.amount} currency={data.currency} />
          </Text>
          <Group gap={6}>
            <Text size="sm" c="dimmed">
              Account
            </Text>
            <Id id={data.accountId} />
          </Group>
          <Text size="sm" c="dimmed">
            Requested <Time at={data.createdAt} />
          </Text>
        </Stack>
      </Card>
    </LifecyclePage>
  );
}
