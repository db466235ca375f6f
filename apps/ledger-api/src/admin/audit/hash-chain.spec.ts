import { FactoryProvider } from '@nestjs/common';
import { KurrentDbEventStore } from '@ledger/event-store/kurrentdb';
import { chainVerifierProvider, hashChainProvider } from './hash-chain';

const factoryOf = (provider: unknown) => (provider as FactoryProvider).useFactory;

describe('the hash chains the audit checks, by event store', () => {
  it('with KurrentDB: no checkpoints, and a verifier that reads back the chains the adapter wrote', async () => {
    // Nothing listens on port 1: the client connects only when used, and here nothing is read.
    const store = new KurrentDbEventStore('kurrentdb://127.0.0.1:1?tls=false');
    try {
      const chain = factoryOf(hashChainProvider)(store, undefined) as unknown;
      expect(chain).toBeNull();
      expect(factoryOf(chainVerifierProvider)(store, chain)).toEqual({ verify: expect.any(Function) });
    } finally {
      await store.close();
    }
  });
});
