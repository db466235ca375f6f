import { Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { ChangePaymentController } from './change-payment/change-payment.controller';
import { ChangePaymentHandler } from './change-payment/change-payment.handler';
import { CreatePaymentBatchController } from './create-payment-batch/create-payment-batch.controller';
import { CreatePaymentBatchHandler } from './create-payment-batch/create-payment-batch.handler';
import { CreatePaymentController } from './create-payment/create-payment.controller';
import { CreatePaymentHandler } from './create-payment/create-payment.handler';
import { PaymentExpirySweeper } from './payment-expiry.sweeper';
import { paymentsProjection } from './payments.projection';
import { PaymentQueriesController } from './queries/payment-queries.controller';

/** Payments between accounts: authorize, capture, void, expire, refund, and their read models. */
@Module({
  controllers: [
    CreatePaymentBatchController,
    CreatePaymentController,
    ChangePaymentController,
    PaymentQueriesController,
  ],
  providers: [CreatePaymentBatchHandler, CreatePaymentHandler, ChangePaymentHandler, PaymentExpirySweeper],
})
export class PaymentsModule implements OnModuleInit {
  constructor(private readonly runner: ConsumerRunner) {}

  onModuleInit(): void {
    this.runner.register(paymentsProjection);
  }
}
