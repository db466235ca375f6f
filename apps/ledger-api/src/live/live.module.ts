import { Module } from '@nestjs/common';
import { LiveController } from './live.controller';
import { LiveHub } from './live-hub';

/** GET /api/v1/live: the changes each caller may see, pushed as Server-Sent Events from `$all`. */
@Module({ controllers: [LiveController], providers: [LiveHub], exports: [LiveHub] })
export class LiveModule {}
