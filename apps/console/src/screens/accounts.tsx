import { Anchor, Button, Card, Group, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { answer } from '../api/client';
import type { Account, Page, Transaction } from '../api/types';
import {
  DataTable,
  MovementCells,
  Id,
  Money,
  NotLoaded,
  PageHeader,
  PagedList,
  QueryState,
  StatusBadge,
} from '../components/ui';
import { typedId, words } from '../format';
import { touches, usePagedQuery, useQuery } from '../query';
import { useSession } from '../session';

function Balances({ account }: { account: Account }) {
  const { balance, currency } = account;
  return (
    <SimpleGrid cols={3} spacing="xs">
      {(['available', 'held', 'ledger'] as const).map((name) => (
        <div key={name}>
          <Text size="xs" c="dimmed" tt="uppercase">
            {name}
          </Text>
          <Text fw={name === 'available' ? 700 : 500} size={name === 'available' ? 'lg' : 'sm'} data-balance={name}>
            <Money amount={balance[name]} currency={currency} />
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

/** The caller's accounts (an admin: every account, or one user's) with their three balances. */
export function AccountsScreen() {
  const { client, user } = useSession();
  const admin = user.role === 'admin';
  const [userId, setUserId] = useState('');
  const filter = typedId(userId);
  const accounts = useQuery(
    () => answer<Page<Account>>(client.GET('/api/v1/accounts', { params: { query: { limit: 100, userId: filter } } })),
    [filter],
    (change) => admin || change.kind === 'account' || change.accountIds.length > 0,
  );
  return (
    <>
      <PageHeader title={admin ? 'Accounts' : 'Your accounts'}>
        {!admin && (
          <>
            <Button component={Link} to="/deposit" variant="light">
              Deposit
            </Button>
            <Button component={Link} to="/withdraw" variant="light">
              Withdraw
            </Button>
            <Button component={Link} to="/pay">
              Pay
            </Button>
          </>
        )}
      </PageHeader>
      {admin && (
        <TextInput
          mb="md"
          label="User id"
          placeholder="Show the accounts of one user"
          value={userId}
          onChange={(event) => setUserId(event.currentTarget.value)}
          maw={420}
        />
      )}
      <QueryState query={accounts} isEmpty={(page) => page.data.length === 0} empty="No accounts yet.">
        {(page) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {page.data.map((account) => (
              <Card
                key={account.id}
                withBorder
                padding="md"
                radius="md"
                data-account={account.id}
                data-currency={account.currency}
              >
                <Group justify="space-between" mb="xs">
                  <Anchor component={Link} to={`/accounts/${account.id}`} fw={600}>
                    {account.currency} account
                  </Anchor>
                  <Group gap={6}>
                    <Id id={account.id} />
                    <StatusBadge status={account.status} />
                  </Group>
                </Group>
                <Balances account={account} />
                {admin && (
                  <Text size="xs" c="dimmed" mt="xs">
                    user <Id id={account.userId} />
                  </Text>
                )}
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryState>
    </>
  );
}

const TYPES = ['deposit', 'withdrawal', 'payment', 'refund'] as const;
const STATUSES = ['pending', 'succeeded', 'failed', 'voided', 'expired'] as const;
type TransactionType = (typeof TYPES)[number];
type TransactionStatus = (typeof STATUSES)[number];

/** Where a transaction's detail is shown: its deposit, withdrawal or payment. */
export function transactionLink(transaction: Pick<Transaction, 'type' | 'referenceId'>): string | undefined {
  switch (transaction.type) {
    case 'deposit':
      return `/transfers/deposit/${transaction.referenceId}`;
    case 'withdrawal':
      return `/transfers/withdrawal/${transaction.referenceId}`;
    case 'payment':
      return `/payments/${transaction.referenceId}`;
    case 'refund':
      return undefined;
  }
}

export function TransactionsTable({ rows }: { rows: Transaction[] }) {
  return (
    <DataTable columns={['When', 'Type', 'Status', { title: 'Amount', right: true }, 'Reference']}>
      {rows.map((row) => {
        const link = transactionLink(row);
        return (
          <Table.Tr key={`${row.id}-${row.accountId}`} data-transaction={row.referenceId}>
            <MovementCells
              at={row.createdAt}
              what={words(row.type)}
              status={row.status}
              amount={row.amount}
              currency={row.currency}
              signed={row.direction}
            />
            <Table.Td>
              {link ? (
                <Anchor component={Link} to={link} size="sm">
                  {row.description || 'details'}
                </Anchor>
              ) : (
                <Id id={row.referenceId} />
              )}
            </Table.Td>
          </Table.Tr>
        );
      })}
    </DataTable>
  );
}

interface HistoryFilter {
  type?: TransactionType;
  status?: TransactionStatus;
  from?: string;
  to?: string;
}

/** An account's movements, newest first, with the API's filters and "load more" over its cursor. */
function History({ accountId }: { accountId: string }) {
  const { client } = useSession();
  const [filter, setFilter] = useState<HistoryFilter>({});
  const history = usePagedQuery(
    (cursor) =>
      answer<Page<Transaction>>(
        client.GET('/api/v1/accounts/{accountId}/transactions', {
          params: { path: { accountId }, query: { limit: 20, cursor, ...filter } },
        }),
      ),
    [accountId, filter],
    touches(accountId),
  );
  const change = (next: HistoryFilter) => setFilter({ ...filter, ...next });
  return (
    <Stack gap="sm">
      <Group gap="xs" wrap="wrap" align="end">
        <Select
          label="Type"
          placeholder="any"
          clearable
          data={TYPES.map(String)}
          value={filter.type ?? null}
          onChange={(value) => change({ type: (value ?? undefined) as TransactionType | undefined })}
          w={150}
        />
        <Select
          label="Status"
          placeholder="any"
          clearable
          data={STATUSES.map(String)}
          value={filter.status ?? null}
          onChange={(value) => change({ status: (value ?? undefined) as TransactionStatus | undefined })}
          w={150}
        />
        <TextInput
          label="From"
          type="date"
          value={filter.from ?? ''}
          onChange={(event) => change({ from: event.currentTarget.value || undefined })}
          w={160}
        />
        <TextInput
          label="To"
          type="date"
          value={filter.to ?? ''}
          onChange={(event) => change({ to: event.currentTarget.value || undefined })}
          w={160}
        />
      </Group>
      <PagedList paged={history} empty="No transactions match.">
        {(rows) => <TransactionsTable rows={rows} />}
      </PagedList>
    </Stack>
  );
}

export function AccountDetailScreen() {
  const { accountId = '' } = useParams();
  const { client, user } = useSession();
  const account = useQuery(
    () => answer<Account>(client.GET('/api/v1/accounts/{accountId}', { params: { path: { accountId } } })),
    [accountId],
    touches(accountId),
  );
  if (!account.data) return <NotLoaded error={account.error} />;
  const { data } = account;
  return (
    <>
      <PageHeader title={`${data.currency} account`} id={data.id}>
        {user.role !== 'admin' && (
          <>
            <Button component={Link} to={`/deposit?account=${data.id}`} variant="light">
              Deposit
            </Button>
            <Button component={Link} to={`/withdraw?account=${data.id}`} variant="light">
              Withdraw
            </Button>
            <Button component={Link} to={`/pay?account=${data.id}`}>
              Pay
            </Button>
          </>
        )}
        {user.role === 'admin' && (
          <Button component={Link} to={`/audit?account=${data.id}`} variant="light">
            Audit
          </Button>
        )}
      </PageHeader>
      <Card withBorder mb="lg" padding="md">
        <Balances account={data} />
      </Card>
      <Text fw={600} mb="xs">
        Transactions
      </Text>
      <History accountId={accountId} />
    </>
  );
}
