import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import { Pool } from 'pg';
import { ChainReport, EVENT_STORE, EventStore, verifyChains } from '@ledger/event-store';
import { KurrentDbEventStore } from '@ledger/event-store/kurrentdb';
import { PostgresEventStore, PostgresHashChain } from '@ledger/event-store/postgres';
import { LEDGER_CONFIG, LedgerConfig } from '../../config/ledger-config';
import { PG_POOL } from '../../infrastructure/infrastructure.module';

/** The event store's hash chain with its checkpoints, or null where the event store keeps none (KurrentDB). */
export const HASH_CHAIN = Symbol('HASH_CHAIN');

export const hashChainProvider: Provider = {
  provide: HASH_CHAIN,
  inject: [EVENT_STORE, PG_POOL],
  useFactory: (store: EventStore, pool: Pool) =>
    store instanceof PostgresEventStore ? new PostgresHashChain(pool) : null,
};

export interface ChainVerifier {
  verify(): Promise<ChainReport>;
}

/**
 * What checks the events' hash chains: PostgreSQL's checks chains, stream heads and checkpoints in
 * the database; with KurrentDB, every stream's chain is read back and checked here (no checkpoints).
 */
export const CHAIN_VERIFIER = Symbol('CHAIN_VERIFIER');

export const chainVerifierProvider: Provider = {
  provide: CHAIN_VERIFIER,
  inject: [EVENT_STORE, HASH_CHAIN],
  useFactory: (store: EventStore, chain: PostgresHashChain | null): ChainVerifier | null =>
    chain ?? (store instanceof KurrentDbEventStore ? { verify: () => verifyChains(store) } : null),
};

/** How often the writer asks whether a checkpoint is due (the database decides, see es_write_checkpoint). */
const CHECK_EVERY_MS = 1_000;

/**
 * Records hash-chain checkpoints in the background: after `CHAIN_CHECKPOINT_EVENTS` events or
 * `CHAIN_CHECKPOINT_SECONDS` after the last. Every instance asks; one writes at a time.
 */
@Injectable()
export class ChainCheckpointWriter implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChainCheckpointWriter.name);
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    @Inject(HASH_CHAIN) private readonly chain: PostgresHashChain | null,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  onApplicationBootstrap(): void {
    const chain = this.chain;
    if (!chain) return;
    this.timer = setInterval(() => {
      this.inFlight ??= this.writeIfDue(chain).finally(() => (this.inFlight = undefined));
    }, CHECK_EVERY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  private async writeIfDue(chain: PostgresHashChain): Promise<void> {
    const { everyEvents, everyMs } = this.config.chainCheckpoints;
    try {
      const id = await chain.writeCheckpoint(everyEvents, everyMs);
      if (id) this.logger.debug({ checkpointId: id }, 'hash-chain checkpoint recorded');
    } catch (error) {
      this.logger.warn({ err: error }, 'hash-chain checkpoint failed; trying again');
    }
  }
}
