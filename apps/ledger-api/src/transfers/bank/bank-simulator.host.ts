import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { BankSimulator } from '@ledger/bank-simulator';
import { LEDGER_CONFIG, LedgerConfig } from '../../config/ledger-config';
import { WEBHOOK_SECRET } from './webhook-secret';

/** With no BANK_URL, the bank simulator runs inside the API process and calls this app back. */
@Injectable()
export class BankSimulatorHost implements OnModuleInit, OnApplicationShutdown {
  /** The in-process simulator, when there is one. */
  simulator: BankSimulator | undefined;
  private url: string | undefined;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(WEBHOOK_SECRET) private readonly secret: string,
    private readonly http: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.bank.url) return;
    const { successRate, minDelayMs, maxDelayMs } = this.config.bank;
    this.simulator = new BankSimulator({
      webhookUrl: () => this.webhookUrl(),
      webhookSecret: this.secret,
      successRate,
      minDelayMs,
      maxDelayMs,
    });
    this.url = await this.simulator.listen();
  }

  /** The bank's base URL: BANK_URL, or the in-process simulator's. */
  bankUrl(): string {
    const url = this.config.bank.url ?? this.url;
    if (!url) throw new Error('The bank simulator has not started');
    return url;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.close();
  }

  private webhookUrl(): string {
    const address = this.http.httpAdapter.getHttpServer().address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/webhooks/bank-callback`;
  }
}
