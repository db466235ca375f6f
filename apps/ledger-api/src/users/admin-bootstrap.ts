import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import { userStreamName } from '@ledger/ledger-domain';
import { generateApiKey, hashApiKey } from '../auth/api-key';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { CLOCK, Clock } from '../shared/clock';
import { deterministicUuid } from '../shared/deterministic-id';
import { newUserAppends } from './new-user-appends';

export const BOOTSTRAP_ADMIN_ID = deterministicUuid('bootstrap-admin');

/**
 * Makes sure an admin can call the API: LEDGER_ADMIN_API_KEY when set; otherwise, on a ledger
 * with no admin yet, a generated key printed once to stderr (never into the JSON logs).
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const adminExists = (await this.store.readStream(userStreamName(BOOTSTRAP_ADMIN_ID), { maxCount: 1 })).length > 0;
    const apiKey = this.config.adminApiKey ?? (adminExists ? undefined : generateApiKey());
    if (!apiKey) return;
    const admin = {
      userId: BOOTSTRAP_ADMIN_ID,
      name: 'Administrator',
      role: 'admin' as const,
      keyHash: hashApiKey(apiKey),
    };
    // An admin that exists only gets the new key's stream.
    const requests = newUserAppends(admin, this.clock.now(), {}).filter(
      (request) => !adminExists || request.streamName !== userStreamName(BOOTSTRAP_ADMIN_ID),
    );
    try {
      await this.store.append(requests);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return; // already there, or another instance won
      throw error;
    }
    if (!this.config.adminApiKey) {
      process.stderr.write(`\nAdmin API key (shown once, keep it): ${apiKey}\n\n`);
      this.logger.log('Generated the bootstrap admin API key (printed once to stderr)');
    }
  }
}
