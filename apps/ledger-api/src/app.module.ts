import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { HealthModule } from './health/health.module';
import { assignRequestId } from './http/request-id';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { LedgerConfig } from './config/ledger-config';

export interface AppOptions {
  config: LedgerConfig;
  databaseUrl: string;
  logger: PinoLogger;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logger }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            genReqId: assignRequestId,
            // Keys and signatures never reach the logs.
            redact: ['req.headers.authorization', 'req.headers["x-bank-signature"]', 'req.headers.cookie'],
          },
        }),
        InfrastructureModule.forRoot({
          databaseUrl,
          eventStoreConnectionString: config.eventStoreConnectionString,
          consumers: [],
        }),
        HealthModule,
      ],
    };
  }
}
