import { Alert, Anchor, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { answer } from '../api/client';
import type { Page, Payment, Refund } from '../api/types';
import {
  DataTable,
  MovementCells,
  Id,
  Money,
  NotLoaded,
  PageHeader,
  PagedList,
  StatusAndAccountFilter,
  useStatusAndAccountFilter,
} from '../components/ui';
import { useCommand } from '../command';
import { formatMoney, parseAmount, requestAmount } from '../money';
import { touches, usePagedQuery, useQuery } from '../query';
import { useSession } from '../session';
import { LifecyclePage, type Step } from './timeline';

const PAYMENT_STATUSES = ['authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'expired'];

function paymentSteps(payment: Payment): Step[] {
  const { status, currency } = payment;
  const money = (amount: Payment['amount']) => formatMoney(amount, currency);
  const captured = ['captured', 'partially_refunded', 'refunded'].includes(status);
  const steps: Step[] = [
    payment.captureMethod === 'manual'
      ? {
          title: 'Authorized',
          at: payment.createdAt,
          done: true,
          detail: `${money(payment.authorizedAmount)} held on the payer`,
        }
      : { title: 'Paid', at: payment.createdAt, done: true, detail: `${money(payment.amount)} moved to the payee` },
  ];
  if (payment.captureMethod === 'manual') {
    if (status === 'voided' || status === 'expired') {
      steps.push({
        title: status === 'voided' ? 'Voided' : 'Expired',
        at: payment.updatedAt,
        done: true,
        detail: 'Hold released',
      });
    } else {
      steps.push({
        title: 'Captured',
        at: status === 'captured' ? payment.updatedAt : undefined,
        done: captured,
        detail: captured
          ? `${money(payment.capturedAmount)} moved to the payee`
          : `Capture before ${new Date(payment.captureExpiresAt ?? payment.createdAt).toLocaleString()}`,
      });
    }
  }
  if (status === 'partially_refunded' || status === 'refunded') {
    steps.push({
      title: status === 'refunded' ? 'Refunded' : 'Partially refunded',
      at: payment.updatedAt,
      done: true,
      detail: `${money(payment.refundedAmount)} returned to the payer`,
    });
  }
  return steps;
}

type Action = 'capture' | 'void' | 'refund';

/** Capture, void and refund, as far as the payment's status and the caller's role allow. */
function PaymentActions({ payment, onDone }: { payment: Payment; onDone(): void }) {
  const { client, user } = useSession();
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const send = useCallback(
    async ({ action, amount, reason: why }: { action: Action; amount?: number; reason?: string }, key: string) => {
      const params = { path: { paymentId: payment.id }, header: { 'Idempotency-Key': key } };
      if (action === 'capture')
        return answer<Payment | Refund>(
          client.POST('/api/v1/payments/{paymentId}/capture', { params, body: { amount } }),
        );
      if (action === 'void')
        return answer<Payment | Refund>(client.POST('/api/v1/payments/{paymentId}/void', { params, body: {} }));
      return answer<Payment | Refund>(
        client.POST('/api/v1/payments/{paymentId}/refunds', { params, body: { amount, reason: why } }),
      );
    },
    [client, payment.id],
  );
  const command = useCommand(send);
  const receiver = user.role === 'merchant' || user.role === 'admin';
  const canCapture = receiver && payment.status === 'authorized';
  const canVoid = payment.status === 'authorized';
  const canRefund = receiver && (payment.status === 'captured' || payment.status === 'partially_refunded');
  if (!canCapture && !canVoid && !canRefund) return null;

  const run = async (action: Action) => {
    let amount: number | undefined;
    if (action !== 'void' && amountText.trim() !== '') {
      const parsed = parseAmount(amountText, payment.currency);
      amount = parsed.ok ? requestAmount(parsed.minor) : undefined;
      setProblem(parsed.ok ? undefined : parsed.message);
      if (amount === undefined) return;
    } else setProblem(undefined);
    const done = await command.submit({
      action,
      amount,
      reason: action === 'refund' ? reason.trim() || undefined : undefined,
    });
    if (done) {
      notifications.show({
        color: 'teal',
        message: action === 'refund' ? 'Refunded' : action === 'capture' ? 'Captured' : 'Voided',
      });
      setAmountText('');
      setReason('');
      command.reset();
      onDone();
    }
  };

  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        Actions
      </Title>
      <Stack gap="sm">
        {(canCapture || canRefund) && (
          <TextInput
            label={`Amount (${payment.currency})`}
            description={canCapture ? 'Empty: the whole authorization' : 'Empty: everything still refundable'}
            name="actionAmount"
            inputMode="decimal"
            value={amountText}
            onChange={(event) => setAmountText(event.currentTarget.value)}
            error={problem ?? command.error?.fieldMessage('amount')}
          />
        )}
        {canRefund && (
          <TextInput
            label="Reason"
            name="reason"
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
        )}
        {command.error && command.error.fields.length === 0 && (
          <Alert color="red" role="alert">
            {command.error.message}
          </Alert>
        )}
        <Group>
          {canCapture && (
            <Button onClick={() => void run('capture')} loading={command.running}>
              Capture
            </Button>
          )}
          {canVoid && (
            <Button color="gray" variant="light" onClick={() => void run('void')} loading={command.running}>
              Void
            </Button>
          )}
          {canRefund && (
            <Button color="grape" onClick={() => void run('refund')} loading={command.running}>
              Refund
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

export function PaymentScreen() {
  const { paymentId = '' } = useParams();
  const { client } = useSession();
  const payment = useQuery(
    () => answer<Payment>(client.GET('/api/v1/payments/{paymentId}', { params: { path: { paymentId } } })),
    [paymentId],
    touches(paymentId),
  );
  if (!payment.data) return <NotLoaded error={payment.error} />;
  const data = payment.data;
  return (
    <LifecyclePage
      title="Payment"
      id={data.id}
      status={data.status}
      steps={paymentSteps(data)}
      stream={`payment-${data.id}`}
    >
      <Stack>
        <Card withBorder>
          <Stack gap={6}>
            <Text size="xl" fw={700}>
              <Money amount={data.amount} currency={data.currency} />
            </Text>
            {data.description && <Text>{data.description}</Text>}
            <Group gap={6}>
              <Text size="sm" c="dimmed" w={60}>
                From
              </Text>
              <Id id={data.payerAccountId} />
            </Group>
            <Group gap={6}>
              <Text size="sm" c="dimmed" w={60}>
                To
              </Text>
              <Id id={data.payeeAccountId} />
            </Group>
            <Text size="sm" c="dimmed">
              Captured <Money amount={data.capturedAmount} currency={data.currency} /> · refunded{' '}
              <Money amount={data.refundedAmount} currency={data.currency} />
            </Text>
          </Stack>
        </Card>
        <PaymentActions payment={data} onDone={payment.reload} />
      </Stack>
    </LifecyclePage>
  );
}

/** What a captured payment moved (a partial capture moves less than was authorized), else what it asks. */
const listedAmount = (payment: Payment) =>
  ['authorized', 'voided', 'expired'].includes(payment.status) ? payment.amount : payment.capturedAmount;

export function PaymentsTable({ rows }: { rows: Payment[] }) {
  return (
    <DataTable columns={['When', 'Payment', 'Status', { title: 'Amount', right: true }, 'From → to']}>
      {rows.map((payment) => (
        <Table.Tr key={payment.id} data-payment={payment.id}>
          <MovementCells
            at={payment.createdAt}
            what={
              <Anchor component={Link} to={`/payments/${payment.id}`} size="sm">
                {payment.description || payment.id.slice(0, 8)}
              </Anchor>
            }
            status={payment.status}
            amount={listedAmount(payment)}
            currency={payment.currency}
          />
          <Table.Td>
            <Group gap={4} wrap="nowrap">
              <Id id={payment.payerAccountId} />→<Id id={payment.payeeAccountId} />
            </Group>
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}

/** Payments the caller made or received (an admin: all), newest first, with status filter and paging. */
export function PaymentsScreen() {
  const { client, user } = useSession();
  const filter = useStatusAndAccountFilter();
  const { status, accountId } = filter.asked;
  const payments = usePagedQuery(
    (cursor) =>
      answer<Page<Payment>>(
        client.GET('/api/v1/payments', {
          params: {
            query: {
              limit: 20,
              cursor,
              accountId,
              status: status as Payment['status'] | undefined,
            },
          },
        }),
      ),
    [status, accountId],
    (change) => change.kind === 'payment',
  );
  return (
    <>
      <PageHeader title={user.role === 'merchant' ? 'Payments received' : 'Payments'} />
      <StatusAndAccountFilter mb="md" statuses={PAYMENT_STATUSES} filter={filter} accountPlaceholder="any of yours" />
      <PagedList paged={payments} empty="No payments yet.">
        {(rows) => <PaymentsTable rows={rows} />}
      </PagedList>
    </>
  );
}
