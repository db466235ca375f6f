import { startBanner } from './start-banner';

describe('startBanner', () => {
  it('says where the API, its docs, the console and the keys are', () => {
    const banner = startBanner({ host: '0.0.0.0', port: 3000, seedDemo: true, adminApiKey: undefined });
    expect(banner).toContain('http://127.0.0.1:3000/docs');
    expect(banner).toContain('Console        http://127.0.0.1:3000/\n');
    expect(banner).toContain('CREDENTIALS.md');
    expect(banner).toContain('LEDGER_ADMIN_API_KEY');
  });

  it('never prints the admin key itself', () => {
    const banner = startBanner({
      host: '127.0.0.1',
      port: 8080,
      seedDemo: false,
      adminApiKey: 'secret-admin-key-0123456789',
    });
    expect(banner).not.toContain('secret-admin-key');
    expect(banner).toContain('LEDGER_SEED_DEMO=false');
  });
});
