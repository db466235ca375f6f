import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { answer, ApiFailure } from '../../api/client';
import type { Account, Currency, Page, Role, User } from '../../api/types';
import { ErrorNotice, Id, Money, PageHeader, QueryState, StatusBadge, Time } from '../../components/ui';
import { typedId } from '../../format';
import { touches, useQuery } from '../../query';
import { useSession } from '../../session';
import { Link } from 'react-router';

/** The currencies offered first when opening an account (the API takes any ISO 4217 code it lists). */
const CURRENCIES: Currency[] = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'BHD', 'KWD'];

function CreateUser({ onCreated }: { onCreated(user: User): void }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('customer');
  const [created, setCreated] = useState<User>();
  const [error, setError] = useState<ApiFailure>();
  const [running, setRunning] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRunning(true);
    setError(undefined);
    try {
      const user = await answer<User>(client.POST('/api/v1/users', { body: { name: name.trim(), role } }));
      setCreated(user);
      setName('');
      onCreated(user);
    } catch (failure) {
      setError(failure as ApiFailure);
    } finally {
      setRunning(false);
    }
  };
  return (
    <Card withBorder component="form" onSubmit={(event) => void submit(event)} noValidate>
      <Title order={4} mb="sm">
        New user
      </Title>
      <Stack gap="sm">
        <TextInput
          label="Name"
          name="name"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={error?.fieldMessage('name')}
        />
        <NativeSelect
          label="Role"
          value={role}
          onChange={(event) => setRole(event.currentTarget.value as Role)}
          data={['customer', 'merchant', 'admin']}
        />
        {error && error.fields.length === 0 && <ErrorNotice error={error} title="Not created" />}
        <Button type="submit" loading={running}>
          Create user
        </Button>
        {created?.apiKey && (
          <Alert color="yellow" title={`API key of ${created.name} — shown once`} data-created-key>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ wordBreak: 'break-all' }}>{created.apiKey}</Code>
              <CopyButton value={created.apiKey}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="xs" mt={4}>
              The ledger keeps only its hash: copy it now.
            </Text>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

function UserAccounts({ userId }: { userId: string }) {
  const { client } = useSession();
  const user = useQuery(
    () => answer<User>(client.GET('/api/v1/users/{userId}', { params: { path: { userId } } })),
    [userId],
    touches(userId),
  );
  const accounts = useQuery(
    () => answer<Page<Account>>(client.GET('/api/v1/accounts', { params: { query: { userId, limit: 100 } } })),
    [userId],
    (change) => change.kind === 'account',
  );
  const [currency, setCurrency] = useState<Currency>('EUR');
  const [openError, setOpenError] = useState<ApiFailure>();
  const openAccount = async () => {
    setOpenError(undefined);
    try {
      await answer<Account>(client.POST('/api/v1/accounts', { body: { currency, userId } }));
      accounts.reload();
    } catch (failure) {
      setOpenError(failure as ApiFailure);
    }
  };
  return (
    <Card withBorder>
      <QueryState query={user}>
        {(found) => (
          <Group justify="space-between" mb="sm">
            <Title order={4}>{found.name}</Title>
            <Group gap={6}>
              <StatusBadge status={found.role} />
              <Id id={found.id} />
            </Group>
          </Group>
        )}
      </QueryState>
      <Text size="sm" c="dimmed" mb="xs">
        Created <Time at={user.data?.createdAt} />
      </Text>
      <QueryState query={accounts} isEmpty={(page) => page.data.length === 0} empty="No accounts.">
        {(page) => (
          <Stack gap={4}>
            {page.data.map((account) => (
              <Group key={account.id} justify="space-between">
                <Anchor component={Link} to={`/accounts/${account.id}`}>
                  {account.currency} <Id id={account.id} />
                </Anchor>
                <Money amount={account.balance.available} currency={account.currency} />
              </Group>
            ))}
          </Stack>
        )}
      </QueryState>
      <Group mt="md" align="end">
        <NativeSelect
          label="Currency"
          value={currency}
          onChange={(event) => setCurrency(event.currentTarget.value as Currency)}
          data={CURRENCIES}
          w={110}
        />
        <Button variant="light" onClick={() => void openAccount()}>
          Open account
        </Button>
      </Group>
      {openError && openError.fields.length === 0 && <ErrorNotice error={openError} />}
    </Card>
  );
}

export function UsersScreen() {
  const [lookup, setLookup] = useState('');
  const userId = typedId(lookup);
  return (
    <>
      <PageHeader title="Users" />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <CreateUser onCreated={(user) => setLookup(user.id)} />
        <Stack>
          <TextInput
            label="Find a user by id"
            placeholder="user id"
            value={lookup}
            onChange={(event) => setLookup(event.currentTarget.value)}
          />
          {userId ? (
            <UserAccounts userId={userId} />
          ) : (
            <Text c="dimmed">Enter a user id (accounts show theirs) to see the user and open accounts for them.</Text>
          )}
        </Stack>
      </SimpleGrid>
    </>
  );
}
