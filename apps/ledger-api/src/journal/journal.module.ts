import { Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { journalProjection } from './journal.projection';

/** The double-entry journal read model. */
@Module({})
export class JournalModule implements OnModuleInit {
  constructor(private readonly runner: ConsumerRunner) {}

  onModuleInit(): void {
    this.runner.register(journalProjection);
  }
}
