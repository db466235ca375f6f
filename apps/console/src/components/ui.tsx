import {
  Alert,
  Badge,
  Button,
  Center,
  Code,
  CopyButton,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { ApiFailure } from '../api/client';
import type { PagedQuery } from '../query';
import type { Amount } from '../api/types';
import { formatTime, shortId, typedId, words } from '../format';
import { formatMoney } from '../money';

export function Money({ amount, currency, signed }: { amount: Amount; currency: string; signed?: 'credit' | 'debit' }) {
  const text = formatMoney(amount, currency);
  if (!signed) return <span className="amount">{text}</span>;
  return (
    <Text span c={signed === 'credit' ? 'teal.7' : 'red.7'} className="amount">
      {signed === 'credit' ? '+' : '−'}
      {text}
    </Text>
  );
}

const STATUS_COLORS: Record<string, string> = {
  succeeded: 'teal',
  captured: 'teal',
  open: 'blue',
  live: 'teal',
  running: 'teal',
  closed: 'teal',
  done: 'teal',
  resolved: 'gray',
  pending: 'yellow',
  processing: 'yellow',
  authorized: 'blue',
  awaiting_dispatch: 'yellow',
  awaiting_callback: 'blue',
  rebuilding: 'violet',
  partially_refunded: 'grape',
  refunded: 'grape',
  retrying: 'orange',
  'half-open': 'orange',
  failed: 'red',
  parked: 'red',
  stopped: 'red',
  frozen: 'orange',
  voided: 'gray',
  expired: 'gray',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light" data-status={status}>
      {words(status)}
    </Badge>
  );
}

export function Time({ at }: { at: string | null | undefined }) {
  return (
    <Text span size="sm" title={at ?? undefined}>
      {formatTime(at)}
    </Text>
  );
}

/** An id shortened, the whole of it copied on click. */
export function Id({ id }: { id: string }) {
  return (
    <CopyButton value={id}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : id} withArrow>
          <UnstyledButton onClick={copy} aria-label={`Copy ${id}`}>
            <Code>{shortId(id)}</Code>
          </UnstyledButton>
        </Tooltip>
      )}
    </CopyButton>
  );
}

export function ErrorNotice({ error, title = 'Something went wrong' }: { error: ApiFailure; title?: string }) {
  return (
    <Alert color="red" title={title} role="alert">
      {error.message}
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Center py="xl">
      <Text c="dimmed">{children}</Text>
    </Center>
  );
}

export function Loading() {
  return (
    <Center py="xl">
      <Loader size="sm" />
    </Center>
  );
}

/** A screen's title (with the id of what it shows, if it shows one thing) and its actions. */
export function PageHeader({ title, id, children }: { title: ReactNode; id?: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="center" mb="md" wrap="wrap">
      <Title order={2}>
        {title}
        {id && (
          <>
            {' '}
            <Id id={id} />
          </>
        )}
      </Title>
      {children && <Group gap="xs">{children}</Group>}
    </Group>
  );
}

/** What stands in for a query's data until it first arrives: a loader, or why it failed. */
export function NotLoaded({ error }: { error: ApiFailure | undefined }) {
  return error ? <ErrorNotice error={error} /> : <Loading />;
}

/** Loading, error and empty states around what a query found. */
export function QueryState<T>({
  query,
  empty,
  isEmpty = (data) => Array.isArray(data) && data.length === 0,
  children,
}: {
  query: { data: T | undefined; error: ApiFailure | undefined; loading: boolean };
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.data === undefined) return <NotLoaded error={query.error} />;
  return (
    <Stack gap="sm">
      {query.error && <ErrorNotice error={query.error} title="Could not refresh" />}
      {empty !== undefined && isEmpty(query.data) ? <Empty>{empty}</Empty> : children(query.data)}
    </Stack>
  );
}

/** A paged list: its states, its rows, and a button for the older ones. */
export function PagedList<T>({
  paged,
  empty,
  children,
}: {
  paged: PagedQuery<T>;
  empty: string;
  children: (rows: T[]) => ReactNode;
}) {
  return (
    <QueryState query={paged} isEmpty={(page) => page.data.length === 0} empty={empty}>
      {() => (
        <>
          {children(paged.rows)}
          {paged.moreError && <ErrorNotice error={paged.moreError} />}
          {paged.hasMore && (
            <Button variant="subtle" onClick={paged.loadMore}>
              Load older
            </Button>
          )}
        </>
      )}
    </QueryState>
  );
}

/**
 * What a StatusAndAccountFilter shows, and what its list asks for: the status picked, and the
 * account once a whole id is typed.
 */
export function useStatusAndAccountFilter() {
  const [status, setStatus] = useState<string | null>(null);
  const [accountText, setAccountText] = useState('');
  return {
    status,
    setStatus,
    accountText,
    setAccountText,
    asked: { status: status ?? undefined, accountId: typedId(accountText) },
  };
}

/** The filters every list of transfers or payments has: a status and an account id. */
export function StatusAndAccountFilter({
  statuses,
  filter,
  accountPlaceholder,
  ...group
}: {
  statuses: string[];
  filter: ReturnType<typeof useStatusAndAccountFilter>;
  accountPlaceholder: string;
  mb?: string;
  my?: string;
}) {
  return (
    <Group align="end" {...group}>
      <Select
        label="Status"
        placeholder="any"
        clearable
        data={statuses}
        value={filter.status}
        onChange={filter.setStatus}
        w={200}
      />
      <TextInput
        label="Account id"
        placeholder={accountPlaceholder}
        value={filter.accountText}
        onChange={(event) => filter.setAccountText(event.currentTarget.value)}
        w={340}
      />
    </Group>
  );
}

/** A column of a DataTable: its heading, right-aligned for amounts and counts. */
export type Column = string | { title: string; right: true };

/** A striped table that scrolls sideways on narrow screens; its rows are the children. */
export function DataTable({
  columns,
  minWidth = 640,
  children,
}: {
  columns: Column[];
  minWidth?: number;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            {columns.map((column, index) =>
              typeof column === 'string' ? (
                <Table.Th key={index}>{column}</Table.Th>
              ) : (
                <Table.Th key={index} ta="right">
                  {column.title}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The cells every list of money movements starts with: when, what, its status and the amount. */
export function MovementCells({
  at,
  what,
  status,
  amount,
  currency,
  signed,
}: {
  at: string;
  what: ReactNode;
  status: string;
  amount: Amount;
  currency: string;
  signed?: 'credit' | 'debit';
}) {
  return (
    <>
      <Table.Td>
        <Time at={at} />
      </Table.Td>
      <Table.Td>{what}</Table.Td>
      <Table.Td>
        <StatusBadge status={status} />
      </Table.Td>
      <Table.Td ta="right">
        <Money amount={amount} currency={currency} signed={signed} />
      </Table.Td>
    </>
  );
}
