import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AdminController } from './admin.controller';
import { AccountAudit } from './audit/account-audit';
import { AuditController } from './audit/audit.controller';
import { ChainCheckpointWriter, hashChainProvider } from './audit/hash-chain';
import { LedgerVerification } from './audit/ledger-verification';
import { ProjectionRebuilds } from './rebuild-projection/projection-rebuilds';
import { RebuildProjectionController } from './rebuild-projection/rebuild-projection.controller';

/** Admin routes: stream replay, audits and the hash chain's checkpoints, and watching and rebuilding projections. */
@Module({
  imports: [AccountsModule],
  controllers: [AdminController, AuditController, RebuildProjectionController],
  providers: [AccountAudit, LedgerVerification, ProjectionRebuilds, hashChainProvider, ChainCheckpointWriter],
})
export class AdminModule {}
