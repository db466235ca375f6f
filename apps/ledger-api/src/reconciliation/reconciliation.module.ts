import { Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { ReconciliationQueriesController } from './queries/reconciliation-queries.controller';
import { reconciliationsProjection } from './reconciliations.projection';
import { RecordReconciliationController } from './record-reconciliation/record-reconciliation.controller';
import { RecordReconciliationHandler } from './record-reconciliation/record-reconciliation.handler';
import { ResolveExceptionController } from './resolve-exception/resolve-exception.controller';
import { ResolveExceptionHandler } from './resolve-exception/resolve-exception.handler';

/** Reconciliation of the ledger's settled transfers with the bank's statement (README). */
@Module({
  controllers: [RecordReconciliationController, ReconciliationQueriesController, ResolveExceptionController],
  providers: [RecordReconciliationHandler, ResolveExceptionHandler],
})
export class ReconciliationModule implements OnModuleInit {
  constructor(private readonly runner: ConsumerRunner) {}

  onModuleInit(): void {
    this.runner.register(reconciliationsProjection);
  }
}
