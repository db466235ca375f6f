import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { answer, type ApiClient } from '../../api/client';
import type { WorkReport } from '../../api/types';
import { ErrorNotice, Id, NotLoaded, PageHeader, StatusBadge, Time } from '../../components/ui';
import { useQuery } from '../../query';
import { useSession } from '../../session';

async function loadWork(client: ApiClient): Promise<WorkReport> {
  return answer<WorkReport>(client.GET('/api/v1/admin/work'));
}

function Chart({
  title,
  series,
  field,
  color,
}: {
  title: string;
  series: WorkReport['series'];
  field: 'requestsPerSecond' | 'paymentsPerSecond' | 'lag';
  color: string;
}) {
  const points = series.map((sample) => ({ at: new Date(sample.at).toLocaleTimeString(), value: sample[field] }));
  return (
    <Card withBorder padding="sm" data-chart={field}>
      <Text size="sm" fw={600} mb={4}>
        {title}
      </Text>
      {points.length === 0 ? (
        <Text size="sm" c="dimmed" py="lg" ta="center">
          No samples yet
        </Text>
      ) : (
        <ResponsiveContainer width="100%" height={160}>
          <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" fontSize={10} minTickGap={40} />
            <YAxis fontSize={10} allowDecimals={false} />
            <Tooltip />
            <Line type="linear" dataKey="value" name={title} stroke={color} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </Card>
  );
}

function BankAction({
  transferId,
  action,
  onDone,
}: {
  transferId: string;
  action: 'retry' | 'cancel';
  onDone(): void;
}) {
  const { client } = useSession();
  const [running, setRunning] = useState(false);
  const run = async () => {
    const reason = window.prompt(action === 'retry' ? 'Why send it again?' : 'Why cancel it? (the hold is released)');
    if (!reason) return;
    setRunning(true);
    try {
      const params = { params: { path: { transferId } }, body: { reason } };
      await answer<unknown>(
        action === 'retry'
          ? client.POST('/api/v1/admin/transfers/{transferId}/retry', params)
          : client.POST('/api/v1/admin/transfers/{transferId}/cancel', params),
      );
      notifications.show({ color: 'teal', message: action === 'retry' ? 'Sent again' : 'Cancelled' });
      onDone();
    } catch (failure) {
      notifications.show({ color: 'red', message: (failure as Error).message });
    } finally {
      setRunning(false);
    }
  };
  return (
    <Button
      size="compact-xs"
      variant="light"
      color={action === 'cancel' ? 'red' : undefined}
      loading={running}
      onClick={() => void run()}
    >
      {action}
    </Button>
  );
}

/** A figure (or, given children, what they show) under its label. */
function Stat({ label, value, children }: { label: string; value?: number; children?: ReactNode }) {
  return (
    <Card withBorder padding="sm" data-stat={label}>
      <Text size="xs" c="dimmed" tt="uppercase">
        {label}
      </Text>
      {children ?? (
        <Text size="xl" fw={700}>
          {value}
        </Text>
      )}
    </Card>
  );
}

const SAMPLE_INTERVAL_MS = 5_000;

/** The async-work dashboard: consumers, bank work, circuit breaker and recent throughput. */
export function DashboardScreen() {
  const { client } = useSession();
  const work = useQuery(() => loadWork(client), []);
  // The series gains a sample every 5 s, changes or not.
  const { reload } = work;
  useEffect(() => {
    const timer = setInterval(reload, SAMPLE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [filter, setFilter] = useState('');
  if (!work.data) return <NotLoaded error={work.error} />;
  const { consumers, bank, series } = work.data;
  const totalLag = consumers.reduce((sum, consumer) => sum + consumer.lag, 0);
  const shown = consumers.filter((consumer) => consumer.name.includes(filter.trim()));
  return (
    <>
      <PageHeader title="Async work">
        <Text size="xs" c="dimmed">
          as of <Time at={work.data.at} />
        </Text>
      </PageHeader>
      {work.error && <ErrorNotice error={work.error} title="Could not refresh" />}
      <SimpleGrid cols={{ base: 2, md: 5 }} mb="md">
        <Stat label="Consumer lag" value={totalLag} />
        <Stat label="Bank: waiting" value={bank.waiting} />
        <Stat label="Bank: sent" value={bank.sent} />
        <Stat label="Bank: retrying" value={bank.retrying.length} />
        <Stat label="Circuit">
          <Group h={31}>
            <StatusBadge status={bank.circuit} />
          </Group>
        </Stat>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 3 }} mb="md">
        <Chart title="Requests / s" series={series} field="requestsPerSecond" color="#228be6" />
        <Chart title="Payments / s" series={series} field="paymentsPerSecond" color="#12b886" />
        <Chart title="Consumer lag (events)" series={series} field="lag" color="#fa5252" />
      </SimpleGrid>
      <Card withBorder mb="md">
        <Group justify="space-between" mb="sm">
          <Title order={4}>Consumers</Title>
          <TextInput
            size="xs"
            placeholder="filter"
            value={filter}
            onChange={(event) => setFilter(event.currentTarget.value)}
          />
        </Group>
        <Table.ScrollContainer minWidth={760}>
          <Table striped verticalSpacing={6} data-consumers>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Leader</Table.Th>
                <Table.Th>Position</Table.Th>
                <Table.Th ta="right">Lag</Table.Th>
                <Table.Th ta="right">Events/s</Table.Th>
                <Table.Th>Last error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((consumer) => (
                <Table.Tr key={consumer.name} data-consumer={consumer.name}>
                  <Table.Td fw={500}>{consumer.name}</Table.Td>
                  <Table.Td>{consumer.kind}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={consumer.status} />
                  </Table.Td>
                  <Table.Td>{consumer.leader ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {consumer.position}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" data-lag>
                    {consumer.lag}
                  </Table.Td>
                  <Table.Td ta="right">{consumer.eventsPerSecond}</Table.Td>
                  <Table.Td>
                    {consumer.lastError ? (
                      <Text size="xs" c="red">
                        {consumer.lastError.message} (<Time at={consumer.lastError.at} />)
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <BankWorkCard
          state="retrying"
          title="Retrying"
          empty="Nothing is retrying."
          items={bank.retrying.map((item) => ({
            ...item,
            about: (
              <>
                attempt {item.attempts}, next <Time at={item.nextAttemptAt} />
              </>
            ),
            error: item.lastError,
            actions: ['cancel'],
          }))}
          onDone={work.reload}
        />
        <BankWorkCard
          state="parked"
          title="Parked"
          empty="Nothing is parked."
          items={bank.parked.map((item) => ({
            ...item,
            about: (
              <>
                {item.reason} · {item.attempts} attempts · <Time at={item.parkedAt} />
              </>
            ),
            error: null,
            actions: ['retry', 'cancel'],
          }))}
          onDone={work.reload}
        />
      </SimpleGrid>
    </>
  );
}

interface BankWorkLine {
  transferId: string;
  kind: string;
  about: ReactNode;
  error: string | null;
  actions: ('retry' | 'cancel')[];
}

/** Transfers in one state of the bank work, each with the operator's actions on it. */
function BankWorkCard({
  state,
  title,
  empty,
  items,
  onDone,
}: {
  state: string;
  title: string;
  empty: string;
  items: BankWorkLine[];
  onDone: () => void;
}) {
  return (
    <Card withBorder data-bank={state}>
      <Title order={4} mb="sm">
        {title}
      </Title>
      {items.length === 0 ? (
        <Text c="dimmed">{empty}</Text>
      ) : (
        <Stack gap="xs">
          {items.map((item) => (
            <Group key={item.transferId} justify="space-between" wrap="wrap">
              <Group gap={6}>
                <Anchor component={Link} to={`/transfers/${item.kind}/${item.transferId}`}>
                  <Id id={item.transferId} />
                </Anchor>
                <Badge variant="light">{item.kind}</Badge>
                <Text size="xs">{item.about}</Text>
              </Group>
              {item.error && (
                <Text size="xs" c="red">
                  {item.error}
                </Text>
              )}
              <Group gap={4}>
                {item.actions.map((action) => (
                  <BankAction key={action} transferId={item.transferId} action={action} onDone={onDone} />
                ))}
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
