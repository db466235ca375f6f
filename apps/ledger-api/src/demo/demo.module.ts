import { Module } from '@nestjs/common';
import { DemoSeed } from './demo-seed';

/** Seeds the demo users and accounts of CREDENTIALS.md when LEDGER_SEED_DEMO=true (users know nothing of it). */
@Module({ providers: [DemoSeed] })
export class DemoModule {}
