import { Module } from '@nestjs/common';
import { AuditAccountCommand } from './commands/audit-account.command';
import { AuditVerifyCommand } from './commands/audit-verify.command';
import { ProjectionsListCommand } from './commands/projections-list.command';
import { ProjectionsRebuildCommand } from './commands/projections-rebuild.command';
import { ReviewsResolveCommand } from './commands/reviews-resolve.command';
import { StreamsReadCommand } from './commands/streams-read.command';
import { TransfersCancelCommand, TransfersRetryCommand } from './commands/transfer-actions.command';
import { TransfersListCommand } from './commands/transfers-list.command';
import { WorkCommand } from './commands/work.command';
import { LedgerAdminClient } from './ledger-admin.client';

@Module({
  providers: [
    LedgerAdminClient,
    ProjectionsListCommand,
    ProjectionsRebuildCommand,
    AuditVerifyCommand,
    AuditAccountCommand,
    StreamsReadCommand,
    TransfersListCommand,
    TransfersRetryCommand,
    TransfersCancelCommand,
    ReviewsResolveCommand,
    WorkCommand,
  ],
})
export class CliModule {}
