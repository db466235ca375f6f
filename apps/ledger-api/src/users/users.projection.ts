import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { Role, UserEvent } from '@ledger/ledger-domain';
import { toDomainEvent } from '@ledger/event-sourcing';
import { projectTable, TableProjection } from '../shared/projection';

/** A row of `rm_users`. */
export interface UserRow {
  id: string;
  name: string;
  role: Role;
  created_at: Date;
}

const usersTable: TableProjection<UserEvent, UserRow> = {
  table: 'rm_users',
  rowOf: (event) => (event.type === 'UserCreated' ? event.data.userId : undefined),
  evolve(user, event) {
    if (user || event.type !== 'UserCreated') return user;
    const { userId, name, role, createdAt } = event.data;
    return { id: userId, name, role, created_at: new Date(createdAt) };
  },
};

/** The users, as they were created (their keys are not read models). */
export const usersProjection: Projection = {
  kind: 'projection',
  name: 'users',
  tables: ['rm_users'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const created = events.filter((event) => event.type === 'UserCreated');
    if (created.length > 0)
      await projectTable(
        client,
        usersTable,
        created.map((event) => toDomainEvent<UserEvent>(event)),
      );
  },
};
