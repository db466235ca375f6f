import 'reflect-metadata';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { CliModule } from './cli.module';
import { usageExitCode } from './exit-codes';
import { CliError } from './ledger-admin.client';

/** `npm run ledger -- <command>`: admin work against a running ledger (LEDGER_URL, LEDGER_ADMIN_API_KEY). */
async function main(): Promise<void> {
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    logger: false,
    cliName: 'ledger',
    // Usage errors exit 2, as a command that could not run does (1 means a discrepancy): commander
    // itself would exit 1. Subcommands take no exitOverride from nest-commander, but they all take
    // this output configuration, whose outputError commander calls only just before exiting.
    errorHandler: (error) => process.exit(usageExitCode(error)),
    outputConfiguration: {
      outputError: (text, write) => {
        write(text);
        process.exit(2);
      },
    },
    serviceErrorHandler: (error) => {
      console.error(error instanceof CliError ? error.message : `ledger: ${error.name}: ${error.message}`);
      process.exitCode = 2;
    },
  });
  try {
    // Commander names the program after the script it runs (main.js); its usage lines say ledger.
    await app.get(CommandRunnerService).run([process.argv[0], 'ledger', ...process.argv.slice(2)]);
  } finally {
    await app.close();
  }
}

void main();
