import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LedgerMetrics } from './ledger-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';

/** `GET /metrics` in Prometheus text format. */
@Module({ controllers: [MetricsController], providers: [LedgerMetrics, MetricsTokenGuard], exports: [LedgerMetrics] })
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: LedgerMetrics) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.metrics.middleware).forRoutes('*');
  }
}
