import { Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { AccountsModule } from '../accounts/accounts.module';
import { BankCallbackController } from '../webhooks/bank-callback.controller';
import { BankSignatureGuard } from '../webhooks/bank-signature.guard';
import { HandleBankCallbackHandler } from '../webhooks/handle-bank-callback.handler';
import { BankDispatchReactor } from './bank/bank-dispatch.reactor';
import { BANK_GATEWAY, HttpBankGateway } from './bank/bank-gateway';
import { BankSimulatorHost } from './bank/bank-simulator.host';
import { TransferQueriesController } from './queries/transfer-queries.controller';
import { RequestTransferController } from './request-transfer/request-transfer.controller';
import { RequestTransferHandler } from './request-transfer/request-transfer.handler';
import { transfersProjection } from './transfers.projection';

/** Deposits and withdrawals through the bank: requests, dispatch, callbacks and their read models. */
@Module({
  imports: [AccountsModule],
  controllers: [RequestTransferController, TransferQueriesController, BankCallbackController],
  providers: [
    RequestTransferHandler,
    HandleBankCallbackHandler,
    BankSignatureGuard,
    BankSimulatorHost,
    BankDispatchReactor,
    {
      provide: BANK_GATEWAY,
      inject: [BankSimulatorHost],
      useFactory: (host: BankSimulatorHost) => new HttpBankGateway(() => host.bankUrl()),
    },
  ],
})
export class TransfersModule implements OnModuleInit {
  constructor(
    private readonly runner: ConsumerRunner,
    private readonly dispatch: BankDispatchReactor,
  ) {}

  onModuleInit(): void {
    this.runner.register(transfersProjection);
    this.runner.register(this.dispatch);
  }
}
