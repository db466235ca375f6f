import { Alert, Anchor, Card, Group, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { answer, ApiFailure } from '../../api/client';
import type { Page, Payment, Transfer } from '../../api/types';
import {
  DataTable,
  Id,
  Money,
  MovementCells,
  PageHeader,
  PagedList,
  StatusAndAccountFilter,
  useStatusAndAccountFilter,
  StatusBadge,
} from '../../components/ui';
import { typedId } from '../../format';
import { usePagedQuery, useQuery } from '../../query';
import { useSession } from '../../session';
import { PaymentsTable } from '../payments';

type TransferKind = 'deposit' | 'withdrawal';
type Found = { kind: 'payment'; payment: Payment } | { kind: TransferKind; transfer: Transfer };

/** Whatever the id names: a payment, a deposit or a withdrawal (the others answer 404). */
function useFindById(id: string | undefined) {
  const { client } = useSession();
  return useQuery(
    async (): Promise<Found | null> => {
      if (!id) return null;
      const path = { params: { path: { id } } };
      const tries: Promise<Found>[] = [
        answer<Payment>(client.GET('/api/v1/payments/{paymentId}', { params: { path: { paymentId: id } } })).then(
          (payment) => ({ kind: 'payment', payment }),
        ),
        answer<Transfer>(client.GET('/api/v1/deposits/{id}', path)).then((transfer) => ({ kind: 'deposit', transfer })),
        answer<Transfer>(client.GET('/api/v1/withdrawals/{id}', path)).then((transfer) => ({
          kind: 'withdrawal',
          transfer,
        })),
      ];
      const results = await Promise.allSettled(tries);
      const found = results.find((result) => result.status === 'fulfilled');
      if (found) return found.value;
      const unexpected = results.find(
        (result) => result.status === 'rejected' && (result.reason as ApiFailure).status !== 404,
      );
      if (unexpected?.status === 'rejected') throw unexpected.reason;
      return null;
    },
    [id],
    (change) => change.id === id,
  );
}

function TransfersTable({ kind, rows }: { kind: TransferKind; rows: Transfer[] }) {
  return (
    <DataTable
      columns={[
        'When',
        kind === 'deposit' ? 'Deposit' : 'Withdrawal',
        'Status',
        { title: 'Amount', right: true },
        'Account',
      ]}
    >
      {rows.map((transfer) => (
        <Table.Tr key={transfer.id} data-transfer={transfer.id}>
          <MovementCells
            at={transfer.createdAt}
            what={
              <Anchor component={Link} to={`/transfers/${kind}/${transfer.id}`} size="sm">
                {transfer.id.slice(0, 8)}
              </Anchor>
            }
            status={transfer.status}
            amount={transfer.amount}
            currency={transfer.currency}
          />
          <Table.Td>
            <Anchor component={Link} to={`/accounts/${transfer.accountId}`}>
              <Id id={transfer.accountId} />
            </Anchor>
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

const TRANSFER_STATUSES = ['pending', 'processing', 'succeeded', 'failed'];
const PAYMENT_STATUSES = ['authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'expired'];

function TransferList({ kind, status, accountId }: { kind: TransferKind; status?: string; accountId?: string }) {
  const { client } = useSession();
  const transfers = usePagedQuery(
    (cursor) =>
      answer<Page<Transfer>>(
        client.GET(kind === 'deposit' ? '/api/v1/deposits' : '/api/v1/withdrawals', {
          params: { query: { limit: 20, cursor, accountId, status: status as Transfer['status'] | undefined } },
        }),
      ),
    [kind, status, accountId],
    (change) => change.kind === 'transfer',
  );
  return (
    <PagedList paged={transfers} empty={`No ${kind}s match.`}>
      {(rows) => <TransfersTable kind={kind} rows={rows} />}
    </PagedList>
  );
}

function PaymentList({ status, accountId }: { status?: string; accountId?: string }) {
  const { client } = useSession();
  const payments = usePagedQuery(
    (cursor) =>
      answer<Page<Payment>>(
        client.GET('/api/v1/payments', {
          params: { query: { limit: 20, cursor, accountId, status: status as Payment['status'] | undefined } },
        }),
      ),
    [status, accountId],
    (change) => change.kind === 'payment',
  );
  return (
    <PagedList paged={payments} empty="No payments match.">
      {(rows) => <PaymentsTable rows={rows} />}
    </PagedList>
  );
}

/** Every money movement: search one by id, or list deposits, withdrawals and payments with filters. */
export function TransactionsScreen() {
  const [search, setSearch] = useSearchParams();
  const [text, setText] = useState(search.get('id') ?? '');
  const [tab, setTab] = useState<string | null>('payments');
  const filter = useStatusAndAccountFilter();
  const { status, accountId } = filter.asked;
  const id = typedId(text);
  const found = useFindById(id);
  const statuses = tab === 'payments' ? PAYMENT_STATUSES : TRANSFER_STATUSES;
  return (
    <>
      <PageHeader title="Transactions" />
      <TextInput
        label="Find by id"
        placeholder="payment, deposit or withdrawal id"
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setSearch({});
        }}
        maw={460}
        mb="sm"
      />
      {id && found.data === null && <Alert color="yellow">No payment, deposit or withdrawal has that id.</Alert>}
      {found.data && (
        <Card withBorder mb="md" data-found={found.data.kind}>
          <Group justify="space-between">
            <Group gap="xs">
              <Text fw={600}>{found.data.kind}</Text>
              <StatusBadge
                status={found.data.kind === 'payment' ? found.data.payment.status : found.data.transfer.status}
              />
              {found.data.kind === 'payment' ? (
                <Money amount={found.data.payment.amount} currency={found.data.payment.currency} />
              ) : (
                <Money amount={found.data.transfer.amount} currency={found.data.transfer.currency} />
              )}
            </Group>
            <Anchor
              component={Link}
              to={found.data.kind === 'payment' ? `/payments/${id}` : `/transfers/${found.data.kind}/${id}`}
            >
              Open
            </Anchor>
          </Group>
        </Card>
      )}
      <Tabs
        value={tab}
        onChange={(value) => {
          setTab(value);
          filter.setStatus(null);
        }}
        mt="md"
      >
        <Tabs.List>
          <Tabs.Tab value="payments">Payments</Tabs.Tab>
          <Tabs.Tab value="deposits">Deposits</Tabs.Tab>
          <Tabs.Tab value="withdrawals">Withdrawals</Tabs.Tab>
        </Tabs.List>
        <StatusAndAccountFilter my="sm" statuses={statuses} filter={filter} accountPlaceholder="any" />
        {tab === 'payments' && <PaymentList status={status} accountId={accountId} />}
        {tab === 'deposits' && <TransferList kind="deposit" status={status} accountId={accountId} />}
        {tab === 'withdrawals' && <TransferList kind="withdrawal" status={status} accountId={accountId} />}
      </Tabs>
    </>
  );
}
