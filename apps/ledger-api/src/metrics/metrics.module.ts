import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LedgerMetrics } from './ledger-metrics';
import { MetricsController } from './metrics.controller';

/** `GET /metrics` in Prometheus text format. */
@Module({ controllers: [MetricsController], providers: [LedgerMetrics] })
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: LedgerMetrics) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.metrics.middleware).forRoutes('*');
  }
}
