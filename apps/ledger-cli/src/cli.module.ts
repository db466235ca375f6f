import { Module } from '@nestjs/common';
import { AuditAccountCommand } from './commands/audit-account.command';
import { AuditCheckpointCommand, AuditProveCommand } from './commands/audit-checkpoint.command';
import { AuditVerifyCommand } from './commands/audit-verify.command';
import { ProjectionsListCommand } from './commands/projections-list.command';
import { ProjectionsRebuildCommand } from './commands/projections-rebuild.command';
import { ReconcileCommand } from './commands/reconcile.command';
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
    AuditCheckpointCommand,
    AuditProveCommand,
    StreamsReadCommand,
    TransfersListCommand,
    TransfersRetryCommand,
    TransfersCancelCommand,
    ReviewsResolveCommand,
    ReconcileCommand,
    WorkCommand,
  ],
})
export class CliModule {}
