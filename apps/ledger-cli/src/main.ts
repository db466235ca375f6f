import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';
import { CliError } from './ledger-admin.client';

/** `npm run ledger -- <command>`: admin work against a running ledger (LEDGER_URL, LEDGER_ADMIN_API_KEY). */
async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    logger: false,
    cliName: 'ledger',
    serviceErrorHandler: (error) => {
      console.error(error instanceof CliError ? error.message : `ledger: ${error.name}: ${error.message}`);
      process.exitCode = 2;
    },
  });
}

void main();
