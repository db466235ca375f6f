import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { apiKeyStreamName, UserEvent } from '@ledger/ledger-domain';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { EventSourcing, LruCache, toDomainEvent } from '@ledger/event-sourcing';
import { ExpiringMap } from '../shared/expiring-map';
import { userStream } from '../shared/streams';
import { hashApiKey } from './api-key';
import { Principal } from './principal';

/**
 * How long a key found nowhere is refused without asking the store again. Short, although a key
 * becomes valid only if that very key is issued later, which random 256-bit keys never are; a key
 * chosen by an operator (LEDGER_ADMIN_API_KEY, the demo's) and tried before it was issued is at
 * worst refused for this long.
 */
const UNKNOWN_KEY_TTL_MS = 60_000;

/**
 * Finds the user behind an API key from the event store itself (the key's stream names the
 * user), so a key works the moment its user is created. Found principals are cached: keys are
 * never reissued to another user. Keys found nowhere are remembered for a minute, so that guessing
 * costs no event-store read.
 */
@Injectable()
export class Authenticator {
  readonly principals: LruCache<string, Principal>;
  readonly unknownKeys: ExpiringMap<string, true>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly eventSourcing: EventSourcing,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.principals = new LruCache(config.caches.apiKeys);
    this.unknownKeys = new ExpiringMap(config.caches.apiKeys, UNKNOWN_KEY_TTL_MS);
  }

  async authenticate(apiKey: string): Promise<Principal | undefined> {
    const keyHash = hashApiKey(apiKey);
    const cached = this.principals.get(keyHash);
    if (cached) return cached;
    if (this.unknownKeys.get(keyHash)) return undefined;
    const [issued] = await this.store.readStream(apiKeyStreamName(keyHash), { maxCount: 1 });
    if (!issued) {
      this.unknownKeys.set(keyHash, true);
      return undefined;
    }
    const { userId } = toDomainEvent<Extract<UserEvent, { type: 'ApiKeyIssued' }>>(issued).data;
    const { state } = await this.eventSourcing.load(userStream(userId));
    if (state.status !== 'active') return undefined;
    const principal: Principal = { userId, name: state.name, role: state.role };
    this.principals.set(keyHash, principal);
    return principal;
  }
}
