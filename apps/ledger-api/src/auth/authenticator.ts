import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { apiKeyStreamName, evolveUser, initialUserState, UserEvent, userStreamName } from '@ledger/ledger-domain';
import { loadAggregate, toDomainEvent } from '../shared/event-sourcing';
import { hashApiKey } from './api-key';
import { Principal } from './principal';

const CACHE_LIMIT = 10_000;

/**
 * Finds the user behind an API key from the event store itself (the key's stream names the
 * user), so a key works the moment its user is created. Found principals are cached: keys are
 * never reissued to another user.
 */
@Injectable()
export class Authenticator {
  private readonly cache = new Map<string, Principal>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async authenticate(apiKey: string): Promise<Principal | undefined> {
    const keyHash = hashApiKey(apiKey);
    const cached = this.cache.get(keyHash);
    if (cached) return cached;
    const [issued] = await this.store.readStream(apiKeyStreamName(keyHash), { maxCount: 1 });
    if (!issued) return undefined;
    const { userId } = toDomainEvent<Extract<UserEvent, { type: 'ApiKeyIssued' }>>(issued).data;
    const { state } = await loadAggregate(this.store, userStreamName(userId), evolveUser, initialUserState);
    if (state.status !== 'active') return undefined;
    const principal: Principal = { userId, name: state.name, role: state.role };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(keyHash, principal);
    return principal;
  }
}
