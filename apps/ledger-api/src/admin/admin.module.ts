import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';

/** Admin routes for auditing streams and watching projections. */
@Module({ controllers: [AdminController] })
export class AdminModule {}
