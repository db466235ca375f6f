import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import type { ExportedCheckpoint } from '@ledger/event-store/postgres';
import { CliError, LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface Proof {
  proven: boolean;
  reason: string | null;
  chain: { brokenLinks: Record<string, unknown>[] };
}

/** Writes the newest checkpoint to a file for the auditor to keep outside the ledger. */
@Command({
  name: 'audit:checkpoint',
  arguments: '<file>',
  description: "export the newest hash-chain checkpoint to a file (keep it outside the ledger's reach)",
})
export class AuditCheckpointCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([file]: string[], options: OutputOptions): Promise<void> {
    const checkpoint = await this.ledger.get<ExportedCheckpoint>('/audit/checkpoints/latest');
    await writeFile(file, `${JSON.stringify(checkpoint, null, 2)}\n`).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`Cannot write ${file} (${error.code ?? error.message}).`);
    });
    print(options, checkpoint, () => `checkpoint ${checkpoint.id} (digest ${checkpoint.digest}) written to ${file}`);
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}

/** The file's JSON, or a one-line error naming the file (the ledger checks its fields). */
export function parseCheckpoint(file: string, text: string): ExportedCheckpoint {
  try {
    return JSON.parse(text) as ExportedCheckpoint;
  } catch {
    throw new CliError(`${file} is not JSON: give the file audit:checkpoint wrote.`);
  }
}

/** Exit code 1 unless the history up to the checkpoint is proven unchanged. */
@Command({
  name: 'audit:prove',
  arguments: '<checkpoint-file>',
  description: 'prove that the history up to an exported checkpoint is unchanged',
})
export class AuditProveCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([file]: string[], options: OutputOptions): Promise<void> {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`Cannot read ${file} (${error.code ?? error.message}).`);
    });
    const checkpoint = parseCheckpoint(file, text);
    const proof = await this.ledger.post<Proof>('/audit/prove', checkpoint);
    print(options, proof, () =>
      [
        proof.proven
          ? `proven: the history up to checkpoint ${checkpoint.id} is unchanged`
          : `NOT proven: ${proof.reason}`,
        ...(proof.chain.brokenLinks.length > 0 ? [table(proof.chain.brokenLinks)] : []),
      ].join('\n'),
    );
    if (!proof.proven) process.exitCode = 1;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
