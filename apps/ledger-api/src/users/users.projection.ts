import { UserEvent } from '@ledger/ledger-domain';
import { projection } from '../shared/projection';

type UserCreated = Extract<UserEvent, { type: 'UserCreated' }>['data'];

export const usersProjection = projection('users', ['rm_users'], {
  UserCreated: (event, client) => {
    const user = event.data as UserCreated;
    return client.query(
      'INSERT INTO rm_users (id, name, role, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
      [user.userId, user.name, user.role, user.createdAt],
    );
  },
});
