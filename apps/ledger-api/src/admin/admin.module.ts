import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AdminController } from './admin.controller';
import { AccountAudit } from './audit/account-audit';
import { AuditController } from './audit/audit.controller';
import { LedgerVerification } from './audit/ledger-verification';
import { ProjectionRebuilds } from './rebuild-projection/projection-rebuilds';
import { RebuildProjectionController } from './rebuild-projection/rebuild-projection.controller';

/** Admin routes: stream replay, audits, and watching and rebuilding projections. */
@Module({
  imports: [AccountsModule],
  controllers: [AdminController, AuditController, RebuildProjectionController],
  providers: [AccountAudit, LedgerVerification, ProjectionRebuilds],
})
export class AdminModule {}
