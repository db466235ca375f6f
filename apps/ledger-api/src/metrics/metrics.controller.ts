import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/principal';
import { LedgerMetrics } from './ledger-metrics';
import { MetricsTokenGuard } from './metrics-token.guard';
import { ApiErrors, Operation } from '../http/api-docs';

/** Public to API keys; `METRICS_TOKEN`, when set, guards it instead. */
@ApiTags('health')
@Public()
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Operation('getMetrics', 'Prometheus metrics; needs METRICS_TOKEN as bearer token when it is set')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format.', schema: { type: 'string' } })
  @ApiBearerAuth()
  @ApiErrors('unauthorized')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
