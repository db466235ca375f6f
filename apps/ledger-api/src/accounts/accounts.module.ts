import { Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { accountsProjection } from './accounts.projection';
import { AccountReadModel } from './account.read-model';
import { OpenAccountController } from './open-account/open-account.controller';
import { OpenAccountHandler } from './open-account/open-account.handler';
import { AccountQueriesController } from './queries/account-queries.controller';
import { AccountStatement } from './statement/account-statement';
import { StatementController } from './statement/statement.controller';
import { UsersModule } from '../users';

@Module({
  imports: [UsersModule],
  controllers: [OpenAccountController, AccountQueriesController, StatementController],
  providers: [OpenAccountHandler, AccountReadModel, AccountStatement],
  exports: [AccountReadModel],
})
export class AccountsModule implements OnModuleInit {
  constructor(private readonly runner: ConsumerRunner) {}

  onModuleInit(): void {
    this.runner.register(accountsProjection);
  }
}
