import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../auth/principal';
import { ErrorResponse } from '../http/api-error';
import { LedgerMetrics } from './ledger-metrics';
import { MetricsTokenGuard } from './metrics-token.guard';

/** Public to API keys; `METRICS_TOKEN`, when set, guards it instead. */
@ApiTags('health')
@Public()
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus text format.' })
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'METRICS_TOKEN is set and was not given.' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
