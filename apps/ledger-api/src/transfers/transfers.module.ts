import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { AccountsModule } from '../accounts';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { BankCallbackController } from './bank/bank-callback.controller';
import { BankSignatureGuard } from './bank/bank-signature.guard';
import { HandleBankCallbackHandler } from './bank/handle-bank-callback.handler';
import { BankDispatcher } from './bank/bank-dispatcher';
import { BANK_GATEWAY, HttpBankGateway } from './bank/bank-gateway';
import { BankSimulatorHost } from './bank/bank-simulator.host';
import { bankWorkProjection } from './bank/bank-work.projection';
import { ChangeTransferController } from './change-transfer/change-transfer.controller';
import { ChangeTransferHandler } from './change-transfer/change-transfer.handler';
import { BankWorkQueriesController } from './queries/bank-work-queries.controller';
import { TransferQueriesController } from './queries/transfer-queries.controller';
import { RequestTransferBatchController } from './request-transfer-batch/request-transfer-batch.controller';
import { RequestTransferBatchHandler } from './request-transfer-batch/request-transfer-batch.handler';
import { RequestTransferController } from './request-transfer/request-transfer.controller';
import { RequestTransferHandler } from './request-transfer/request-transfer.handler';
import { ResolveReviewController } from './resolve-review/resolve-review.controller';
import { transactionsProjection } from './transactions.projection';
import { transfersProjection } from './transfers.projection';
import { UsersModule } from '../users';

/** Deposits and withdrawals through the bank: requests, bank work, callbacks, operator actions and read models. */
@Module({
  imports: [AccountsModule, UsersModule],
  controllers: [
    RequestTransferBatchController,
    RequestTransferController,
    TransferQueriesController,
    BankCallbackController,
    ChangeTransferController,
    BankWorkQueriesController,
    ResolveReviewController,
  ],
  providers: [
    RequestTransferBatchHandler,
    RequestTransferHandler,
    HandleBankCallbackHandler,
    ChangeTransferHandler,
    BankSignatureGuard,
    BankSimulatorHost,
    BankDispatcher,
    {
      provide: BANK_GATEWAY,
      inject: [BankSimulatorHost],
      useFactory: (host: BankSimulatorHost) => new HttpBankGateway(() => host.bankUrl()),
    },
  ],
  exports: [BANK_GATEWAY],
})
export class TransfersModule implements OnModuleInit {
  constructor(
    private readonly runner: ConsumerRunner,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  onModuleInit(): void {
    this.runner.register(transfersProjection);
    this.runner.register(transactionsProjection);
    this.runner.register(bankWorkProjection(this.config.bank.statusQueryAfterMs));
  }
}
