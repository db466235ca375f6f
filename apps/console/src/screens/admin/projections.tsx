import { Button, Group, Progress, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { answer, ApiFailure } from '../../api/client';
import type { ProjectionState, RebuildProgress } from '../../api/types';
import { DataTable, ErrorNotice, PageHeader, QueryState, StatusBadge, Time } from '../../components/ui';
import { useQuery } from '../../query';
import { useSession } from '../../session';

const PROGRESS_POLL_MS = 500;

function Rebuild({ name, onChange }: { name: string; onChange(): void }) {
  const { client } = useSession();
  const [progress, setProgress] = useState<RebuildProgress>();
  const [error, setError] = useState<ApiFailure>();
  const running = progress?.status === 'running';
  const read = () =>
    answer<RebuildProgress>(client.GET('/api/v1/admin/projections/{name}/rebuild', { params: { path: { name } } }));

  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => {
      read().then((next) => {
        setProgress(next);
        if (next.status !== 'running') onChange();
      }, setError);
    }, PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [running]);

  const start = async () => {
    setError(undefined);
    try {
      await answer<unknown>(client.POST('/api/v1/admin/projections/{name}/rebuild', { params: { path: { name } } }));
      setProgress(await read());
      onChange();
    } catch (failure) {
      setError(failure as ApiFailure);
    }
  };
  const percent =
    progress && Number(progress.total) > 0 ? (100 * Number(progress.processed)) / Number(progress.total) : 0;
  return (
    <Group gap="xs" wrap="nowrap">
      <Button size="xs" variant="light" onClick={() => void start()} disabled={running}>
        Rebuild
      </Button>
      {progress && (
        <Group gap={6} wrap="nowrap" miw={160}>
          <Progress
            value={progress.status === 'done' ? 100 : percent}
            w={90}
            animated={running}
            color={progress.status === 'failed' ? 'red' : undefined}
          />
          <Text size="xs" data-rebuild={progress.status}>
            {String(progress.processed)}/{String(progress.total)} {progress.status}
          </Text>
        </Group>
      )}
      {error && <ErrorNotice error={error} />}
    </Group>
  );
}

export function ProjectionsScreen() {
  const { client } = useSession();
  const projections = useQuery(() => answer<ProjectionState[]>(client.GET('/api/v1/admin/projections')), []);
  return (
    <>
      <PageHeader title="Projections" />
      <QueryState query={projections} empty="No projections.">
        {(rows) => (
          <DataTable
            minWidth={720}
            columns={['Name', 'Status', 'Position', { title: 'Lag', right: true }, 'Updated', '']}
          >
            {rows.map((projection) => (
              <Table.Tr key={projection.name} data-projection={projection.name}>
                <Table.Td fw={500}>{projection.name}</Table.Td>
                <Table.Td>
                  <StatusBadge status={projection.status} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {projection.position}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{String(projection.lag)}</Table.Td>
                <Table.Td>
                  <Time at={projection.updatedAt} />
                </Table.Td>
                <Table.Td>
                  <Rebuild name={projection.name} onChange={projections.reload} />
                </Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </QueryState>
    </>
  );
}
