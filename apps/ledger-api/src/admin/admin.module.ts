import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { LiveModule } from '../live';
import { MetricsModule } from '../metrics/metrics.module';
import { TransfersModule } from '../transfers';
import { AdminController } from './admin.controller';
import { AccountAudit } from './audit/account-audit';
import { AuditController } from './audit/audit.controller';
import { chainVerifierProvider, ChainCheckpointWriter, hashChainProvider } from './audit/hash-chain';
import { LedgerVerification } from './audit/ledger-verification';
import { ProjectionRebuilds } from './rebuild-projection/projection-rebuilds';
import { RebuildProjectionController } from './rebuild-projection/rebuild-projection.controller';
import { WorkController } from './work/work.controller';
import { WorkSeries } from './work/work-series';

/** Admin routes: stream replay, audits and the hash chain's checkpoints, watching and rebuilding projections, and the work dashboard. */
@Module({
  imports: [AccountsModule, TransfersModule, MetricsModule, LiveModule],
  controllers: [AdminController, AuditController, RebuildProjectionController, WorkController],
  providers: [
    AccountAudit,
    LedgerVerification,
    ProjectionRebuilds,
    WorkSeries,
    hashChainProvider,
    chainVerifierProvider,
    ChainCheckpointWriter,
  ],
})
export class AdminModule {}
