import { WebhookTargetPolicy } from './webhook-target-policy';

describe('WebhookTargetPolicy', () => {
  const strict = new WebhookTargetPolicy(false);
  const demo = new WebhookTargetPolicy(true);

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.10/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00::1]/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://0.0.0.0/',
  ])('refuses %s in production', async (url) => {
    expect(await strict.problemWith(url)).toMatch(/private|resolves/);
  });

  it.each(['http://8.8.8.8/hook', 'https://1.1.1.1/', 'http://[2606:4700:4700::1111]/'])(
    'accepts the public address %s',
    async (url) => {
      expect(await strict.problemWith(url)).toBeUndefined();
    },
  );

  it('refuses other schemes and credentials, even for the demo', async () => {
    expect(await demo.problemWith('ftp://example.com/')).toBe('url must use http or https');
    expect(await demo.problemWith('file:///etc/passwd')).toBe('url must use http or https');
    expect(await demo.problemWith('http://user:pass@example.com/')).toBe('url must not contain credentials');
    expect(await demo.problemWith('not a url')).toMatch(/absolute/);
  });

  it('allows private targets when told to', async () => {
    expect(await demo.problemWith('http://127.0.0.1:9/')).toBeUndefined();
  });

  it('refuses blocked addresses when a delivery connects', async () => {
    const resolved = await new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      strict.lookup('localhost', {}, (error, address) => resolve({ error, address })),
    );
    expect(resolved.error?.message).toMatch(/blocked/);
  });
});
