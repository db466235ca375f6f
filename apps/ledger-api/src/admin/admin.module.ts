import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { ProjectionRebuilds } from './rebuild-projection/projection-rebuilds';
import { RebuildProjectionController } from './rebuild-projection/rebuild-projection.controller';

/** Admin routes for auditing streams and rebuilding and watching projections. */
@Module({ controllers: [AdminController, RebuildProjectionController], providers: [ProjectionRebuilds] })
export class AdminModule {}
