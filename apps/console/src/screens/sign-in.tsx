import { Alert, Anchor, Button, Card, Center, Code, List, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiFailure } from '../api/client';
import { useSessionState } from '../session';

/** The demo users of CREDENTIALS.md (seeded by `npm start`): public keys for trying the console. */
const DEMO_KEYS = [
  { who: 'Alice, customer', key: 'lk_demo_alice_customer_key_0001' },
  { who: 'Bob, customer', key: 'lk_demo_bob_customer_key_00002' },
  { who: 'Corner Shop, merchant', key: 'lk_demo_shop_merchant_key_0003' },
  { who: 'Dana, admin', key: 'lk_demo_dana_admin_key_0000004' },
];

export function SignInScreen() {
  const { signIn } = useSessionState();
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!apiKey.trim()) return setError('Enter your API key.');
    setRunning(true);
    setError(undefined);
    try {
      await signIn(apiKey);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure && failure.status === 401
          ? 'That API key was not recognised.'
          : failure instanceof ApiFailure
            ? failure.message
            : 'Could not sign in.',
      );
      setRunning(false);
    }
  };
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Card withBorder shadow="sm" padding="xl" radius="md" w="100%" maw={440}>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Stack>
            <div>
              <Title order={2}>Ledger console</Title>
              <Text c="dimmed" size="sm">
                Sign in with your API key. It stays in this tab only and is forgotten when you close it.
              </Text>
            </div>
            <PasswordInput
              label="API key"
              name="apiKey"
              autoComplete="off"
              value={apiKey}
              onChange={(event) => setApiKey(event.currentTarget.value)}
              autoFocus
            />
            {error && (
              <Alert color="red" role="alert" data-sign-in-error>
                {error}
              </Alert>
            )}
            <Button type="submit" loading={running}>
              Sign in
            </Button>
            <div>
              <Text size="xs" c="dimmed">
                Demo keys (seeded by <Code>npm start</Code>, see CREDENTIALS.md):
              </Text>
              <List size="xs" spacing={2}>
                {DEMO_KEYS.map(({ who, key }) => (
                  <List.Item key={key}>
                    <Anchor component="button" type="button" size="xs" onClick={() => setApiKey(key)}>
                      {who}
                    </Anchor>
                  </List.Item>
                ))}
              </List>
            </div>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
