import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LedgerMetrics } from './ledger-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';

/** `GET /metrics` in Prometheus text format. */
@Module({ controllers: [MetricsController], providers: [LedgerMetrics, MetricsTokenGuard], exports: [LedgerMetrics] })
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: LedgerMetrics,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.http.httpAdapter.getInstance<FastifyInstance>().addHook('onResponse', this.metrics.onResponse);
  }
}
