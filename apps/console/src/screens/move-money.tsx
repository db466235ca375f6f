import { Alert, Button, Card, Group, NativeSelect, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useCallback, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { answer, ApiFailure } from '../api/client';
import type { Account, Page, Payment, Transfer } from '../api/types';
import { Loading, Money, PageHeader } from '../components/ui';
import { useCommand } from '../command';
import { minorDigits, parseAmount, requestAmount } from '../money';
import { useQuery } from '../query';
import { useSession } from '../session';

function useOwnAccounts() {
  const { client } = useSession();
  return useQuery(
    () => answer<Page<Account>>(client.GET('/api/v1/accounts', { params: { query: { limit: 100 } } })),
    [],
    (change) => change.accountIds.length > 0,
  );
}

/** The amount typed, checked against the currency, or the sentence saying what is wrong. */
function readAmount(text: string, currency: string): { amount?: number; problem?: string } {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) return { problem: parsed.message };
  const amount = requestAmount(parsed.minor);
  return amount === undefined ? { problem: 'That amount is larger than the ledger takes in one request' } : { amount };
}

/** The account the money moves from or to, and what it has available. */
function AccountSelect({
  accounts,
  selected,
  onChange,
  label,
  error,
}: {
  accounts: Account[];
  selected: Account;
  onChange(id: string): void;
  label: string;
  error?: string;
}) {
  return (
    <>
      <NativeSelect
        label={label}
        value={selected.id}
        onChange={(event) => onChange(event.currentTarget.value)}
        error={error}
        data={accounts.map((account) => ({
          value: account.id,
          label: `${account.currency} · ${account.id.slice(0, 8)}`,
        }))}
      />
      <Text size="sm" c="dimmed">
        Available: <Money amount={selected.balance.available} currency={selected.currency} />
      </Text>
    </>
  );
}

/** An amount typed in major units of `currency` (12.34), as the form keeps it: text. */
function AmountInput({
  currency,
  value,
  onChange,
  error,
}: {
  currency: string;
  value: string;
  onChange(text: string): void;
  error?: string;
}) {
  return (
    <TextInput
      label={`Amount (${currency})`}
      name="amount"
      inputMode="decimal"
      autoComplete="off"
      placeholder={minorDigits(currency) === 0 ? '100' : '12.34'}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
    />
  );
}

/** A command's error: beside its fields for validation_failed, else as a sentence above the button. */
function CommandError({ error, fields }: { error: ApiFailure | undefined; fields: string[] }) {
  if (!error) return null;
  const shownBesideFields = error.fields.length > 0 && error.fields.every((entry) => fields.includes(entry.field));
  if (shownBesideFields) return null;
  return (
    <Alert color="red" role="alert" title="Not done">
      {error.message}
      {error.fields.length > 0 &&
        ` ${error.fields.map((entry) => `${entry.field}: ${entry.problems.join('; ')}`).join('. ')}`}
    </Alert>
  );
}

export function MoveMoneyScreen({ kind }: { kind: 'deposit' | 'withdrawal' }) {
  const { client } = useSession();
  const [search] = useSearchParams();
  const accounts = useOwnAccounts();
  const [accountId, setAccountId] = useState(search.get('account') ?? '');
  const [amountText, setAmountText] = useState('');
  const [problem, setProblem] = useState<string>();
  const send = useCallback(
    (body: { accountId: string; amount: number }, key: string) =>
      answer<Transfer>(
        client.POST(kind === 'deposit' ? '/api/v1/deposits' : '/api/v1/withdrawals', {
          body,
          params: { header: { 'Idempotency-Key': key } },
        }),
      ),
    [client, kind],
  );
  const command = useCommand(send);
  if (!accounts.data) return <Loading />;
  const list = accounts.data.data;
  const selected = list.find((account) => account.id === accountId) ?? list[0];
  if (!selected)
    return (
      <Alert color="yellow">You have no account to {kind === 'deposit' ? 'deposit into' : 'withdraw from'}.</Alert>
    );
  const title = kind === 'deposit' ? 'Deposit' : 'Withdraw';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const { amount, problem: amountProblem } = readAmount(amountText, selected.currency);
    setProblem(amountProblem);
    if (amount !== undefined) void command.submit({ accountId: selected.id, amount });
  };

  if (command.result) {
    const transfer = command.result;
    return (
      <>
        <PageHeader title={`${title} requested`} />
        <Card withBorder maw={520}>
          <Stack>
            <Text>
              <Money amount={transfer.amount} currency={transfer.currency} /> {kind === 'deposit' ? 'to' : 'from'} your{' '}
              {transfer.currency} account is <b>{transfer.status}</b>: the bank confirms it in a few seconds, and your
              balance changes then.
            </Text>
            <Group>
              <Button component={Link} to={`/transfers/${kind}/${transfer.id}`}>
                Follow it
              </Button>
              <Button variant="light" onClick={() => (setAmountText(''), command.reset())}>
                New {kind}
              </Button>
            </Group>
          </Stack>
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader title={title} />
      <Card withBorder maw={520} component="form" onSubmit={onSubmit} noValidate>
        <Stack>
          <AccountSelect
            accounts={list}
            selected={selected}
            onChange={setAccountId}
            label="Account"
            error={command.error?.fieldMessage('accountId')}
          />
          <AmountInput
            currency={selected.currency}
            value={amountText}
            onChange={setAmountText}
            error={problem ?? command.error?.fieldMessage('amount')}
          />
          <CommandError error={command.error} fields={['accountId', 'amount']} />
          <Button type="submit" loading={command.running}>
            {title}
          </Button>
        </Stack>
      </Card>
    </>
  );
}

type PaymentRequest = {
  payerAccountId: string;
  payeeAccountId: string;
  amount: number;
  captureMethod: 'automatic' | 'manual';
  captureWindowSeconds: number;
  description?: string;
};

/** The API's own default (a week to capture an authorization); the document marks the field required. */
const DEFAULT_CAPTURE_WINDOW_SECONDS = 604_800;

export function PayScreen() {
  const { client } = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const accounts = useOwnAccounts();
  const [accountId, setAccountId] = useState(search.get('account') ?? '');
  const [payee, setPayee] = useState(search.get('to') ?? '');
  const [amountText, setAmountText] = useState('');
  const [description, setDescription] = useState('');
  const [captureMethod, setCaptureMethod] = useState<'automatic' | 'manual'>('automatic');
  const [problem, setProblem] = useState<string>();
  const send = useCallback(
    (body: PaymentRequest, key: string) =>
      answer<Payment>(client.POST('/api/v1/payments', { body, params: { header: { 'Idempotency-Key': key } } })),
    [client],
  );
  const command = useCommand(send);
  if (!accounts.data) return <Loading />;
  const list = accounts.data.data;
  const selected = list.find((account) => account.id === accountId) ?? list[0];
  if (!selected) return <Alert color="yellow">You have no account to pay from.</Alert>;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const { amount, problem: amountProblem } = readAmount(amountText, selected.currency);
    setProblem(amountProblem);
    if (amount === undefined) return;
    const payment = await command.submit({
      payerAccountId: selected.id,
      payeeAccountId: payee.trim(),
      amount,
      captureMethod,
      captureWindowSeconds: DEFAULT_CAPTURE_WINDOW_SECONDS,
      description: description.trim() || undefined,
    });
    if (payment) void navigate(`/payments/${payment.id}`);
  };

  return (
    <>
      <PageHeader title="Pay" />
      <Card withBorder maw={520} component="form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <Stack>
          <AccountSelect
            accounts={list}
            selected={selected}
            onChange={setAccountId}
            label="From"
            error={command.error?.fieldMessage('payerAccountId')}
          />
          <TextInput
            label="To account id"
            name="payee"
            description="The merchant's or person's account id, in the same currency"
            placeholder="00000000-0000-0000-0000-000000000000"
            autoComplete="off"
            value={payee}
            onChange={(event) => setPayee(event.currentTarget.value)}
            error={command.error?.fieldMessage('payeeAccountId')}
          />
          <AmountInput
            currency={selected.currency}
            value={amountText}
            onChange={setAmountText}
            error={problem ?? command.error?.fieldMessage('amount')}
          />
          <TextInput
            label="Description"
            name="description"
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            error={command.error?.fieldMessage('description')}
          />
          <div>
            <Text size="sm" fw={500} mb={4}>
              Capture
            </Text>
            <SegmentedControl
              value={captureMethod}
              onChange={(value) => setCaptureMethod(value as 'automatic' | 'manual')}
              data={[
                { value: 'automatic', label: 'Pay now' },
                { value: 'manual', label: 'Authorize only' },
              ]}
            />
          </div>
          <CommandError error={command.error} fields={['payerAccountId', 'payeeAccountId', 'amount', 'description']} />
          <Button type="submit" loading={command.running}>
            Pay
          </Button>
        </Stack>
      </Card>
    </>
  );
}
