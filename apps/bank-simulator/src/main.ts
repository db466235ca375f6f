// The bank simulator on its own: `npm run start:bank`. The ledger uses it when BANK_URL points here.
import { BankSimulator } from '@ledger/bank-simulator';

const env = process.env;
const secret = env.BANK_WEBHOOK_SECRET;
if (!secret) {
  console.error('Invalid configuration: BANK_WEBHOOK_SECRET must be set (the ledger must share it)');
  process.exit(1);
}
const number = (name: string, fallback: number) => {
  const value = env[name] === undefined ? fallback : Number(env[name]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`Invalid configuration: ${name} must be a non-negative number`);
    process.exit(1);
  }
  return value;
};
const successRate = number('BANK_SUCCESS_RATE', 0.9);
const webhookUrl = env.BANK_WEBHOOK_URL ?? 'http://127.0.0.1:3000/webhooks/bank-callback';
const simulator = new BankSimulator({
  webhookUrl: () => webhookUrl,
  webhookSecret: secret,
  successRate: Math.min(successRate, 1),
  minDelayMs: number('BANK_MIN_DELAY_MS', 2_000),
  maxDelayMs: number('BANK_MAX_DELAY_MS', 10_000),
});
simulator.listen(number('BANK_PORT', 4000), env.BANK_HOST ?? '127.0.0.1').then(
  (url) => console.log(`Bank simulator on ${url}, calling back ${webhookUrl}`),
  (error: Error) => {
    console.error(`Bank simulator failed to start: ${error.message}`);
    process.exit(1);
  },
);
const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
