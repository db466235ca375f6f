import { Module } from '@nestjs/common';
import { AuditAccountCommand } from './commands/audit-account.command';
import { AuditVerifyCommand } from './commands/audit-verify.command';
import { ProjectionsListCommand } from './commands/projections-list.command';
import { ProjectionsRebuildCommand } from './commands/projections-rebuild.command';
import { StreamsReadCommand } from './commands/streams-read.command';
import { LedgerAdminClient } from './ledger-admin.client';

@Module({
  providers: [
    LedgerAdminClient,
    ProjectionsListCommand,
    ProjectionsRebuildCommand,
    AuditVerifyCommand,
    AuditAccountCommand,
    StreamsReadCommand,
  ],
})
export class CliModule {}
