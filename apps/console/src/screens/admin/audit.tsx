import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { answer } from '../../api/client';
import type { AccountAudit, Verification } from '../../api/types';
import { Money, PageHeader, QueryState, Time } from '../../components/ui';
import { formatTime, typedId } from '../../format';
import { useQuery } from '../../query';
import { useSession } from '../../session';
import { StreamEvents } from '../timeline';

/** A <input type="datetime-local"> value (the viewer's zone) as an ISO instant. */
const toInstant = (local: string) => (local ? new Date(local).toISOString() : undefined);

function AccountAuditCard({ accountId, at }: { accountId: string; at?: string }) {
  const { client } = useSession();
  const audit = useQuery(
    () =>
      answer<AccountAudit>(
        client.GET('/api/v1/admin/audit/accounts/{id}', { params: { path: { id: accountId }, query: { at } } }),
      ),
    [accountId, at],
    (change) => change.accountIds.includes(accountId),
  );
  return (
    <QueryState query={audit}>
      {(found) => {
        const currency = (found.readModel as { currency?: string } | null)?.currency ?? 'EUR';
        return (
          <Stack>
            <Group>
              <Text>
                Replayed up to <b>{formatTime(found.at)}</b>
              </Text>
              <Badge color={found.consistent ? 'teal' : 'red'} data-consistent={found.consistent}>
                {found.consistent ? 'matches the read model' : 'differs from the read model'}
              </Badge>
            </Group>
            <SimpleGrid cols={3}>
              {(['available', 'held', 'ledger'] as const).map((name) => (
                <div key={name}>
                  <Text size="xs" c="dimmed" tt="uppercase">
                    {name}
                  </Text>
                  <Text fw={600}>
                    <Money amount={found.balance[name]} currency={currency} />
                  </Text>
                </div>
              ))}
            </SimpleGrid>
            <Table.ScrollContainer minWidth={560}>
              <Table striped verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>#</Table.Th>
                    <Table.Th>Event</Table.Th>
                    <Table.Th ta="right">Amount</Table.Th>
                    <Table.Th ta="right">Ledger after</Table.Th>
                    <Table.Th ta="right">Held after</Table.Th>
                    <Table.Th>At</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {found.events.map((event) => (
                    <Table.Tr key={String(event.revision)}>
                      <Table.Td>{String(event.revision)}</Table.Td>
                      <Table.Td>{event.type}</Table.Td>
                      <Table.Td ta="right">
                        {event.amount === null ? '—' : <Money amount={event.amount} currency={currency} />}
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money amount={event.ledgerAfter} currency={currency} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money amount={event.heldAfter} currency={currency} />
                      </Table.Td>
                      <Table.Td>
                        <Time at={event.createdAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        );
      }}
    </QueryState>
  );
}

/** Stream replay and the point-in-time audit of an account. */
export function AuditScreen() {
  const [search] = useSearchParams();
  const [account, setAccount] = useState(search.get('account') ?? '');
  const [at, setAt] = useState('');
  const [stream, setStream] = useState(search.get('account') ? `account-${search.get('account')}` : '');
  const [shownStream, setShownStream] = useState<string>();
  const accountId = typedId(account);
  return (
    <>
      <PageHeader title="Audit" />
      <Stack>
        <Card withBorder>
          <Title order={4} mb="sm">
            Account at a point in time
          </Title>
          <Group align="end" mb="md" wrap="wrap">
            <TextInput
              label="Account id"
              name="auditAccount"
              value={account}
              onChange={(event) => setAccount(event.currentTarget.value)}
              w={340}
            />
            <TextInput
              label="At (your time; empty: now)"
              type="datetime-local"
              step={1}
              value={at}
              onChange={(event) => setAt(event.currentTarget.value)}
            />
          </Group>
          {accountId ? (
            <AccountAuditCard accountId={accountId} at={toInstant(at)} />
          ) : (
            <Text c="dimmed">Enter an account id.</Text>
          )}
        </Card>
        <Card withBorder>
          <Title order={4} mb="sm">
            Stream replay
          </Title>
          <Group align="end" mb="md">
            <TextInput
              label="Stream"
              placeholder="account-<id>, payment-<id>, deposit-<id>"
              value={stream}
              onChange={(event) => setStream(event.currentTarget.value)}
              w={420}
            />
            <Button variant="light" onClick={() => setShownStream(stream.trim())}>
              Replay
            </Button>
          </Group>
          {shownStream && <StreamEvents stream={shownStream} entityId={shownStream.replace(/^[a-z]+-/, '')} />}
        </Card>
      </Stack>
    </>
  );
}

export function VerifyScreen() {
  const { client } = useSession();
  const [report, setReport] = useState<Verification>();
  const consistent = report !== undefined && report.discrepancies.length === 0 && report.journalBalanced;
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const verify = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setReport(await answer<Verification>(client.POST('/api/v1/admin/audit/verify')));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setRunning(false);
    }
  };
  return (
    <>
      <PageHeader title="Verification">
        <Button onClick={() => void verify()} loading={running}>
          Verify the ledger
        </Button>
      </PageHeader>
      <Text c="dimmed" size="sm" mb="md">
        Replays every account from its events, compares it with its read model, checks the hash chains and that the
        journal balances per currency.
      </Text>
      {error && <Alert color="red">{error}</Alert>}
      {report && (
        <Stack>
          <Group>
            <Badge
              size="lg"
              color={consistent ? 'teal' : 'red'}
              data-verification={consistent ? 'consistent' : 'discrepancies'}
            >
              {consistent ? 'consistent' : 'discrepancies found'}
            </Badge>
            <Text>
              {report.accounts} accounts, {report.events} events, in {report.durationMs} ms; journal{' '}
              {report.journalBalanced ? 'balanced' : 'NOT balanced'}
            </Text>
          </Group>
          {report.discrepancies.map((discrepancy, index) => (
            <Code block key={index}>
              {JSON.stringify(discrepancy, null, 2)}
            </Code>
          ))}
        </Stack>
      )}
    </>
  );
}
