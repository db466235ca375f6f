import { Command, CommandRunner, Option } from 'nest-commander';
import { CliError, LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print } from '../output';

interface ResolveOptions extends OutputOptions {
  decision?: string;
  note?: string;
}

interface ReviewItem {
  id: string;
  transferId: string;
  decision: string;
  resolvedBy: string;
}

@Command({
  name: 'reviews:resolve',
  arguments: '<reviewId>',
  description: 'resolve a review item: --decision accept_bank|keep_ledger --note "<why>"',
})
export class ReviewsResolveCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([reviewId]: string[], options: ResolveOptions): Promise<void> {
    if (!options.decision || !options.note) throw new CliError('Give --decision accept_bank|keep_ledger and --note.');
    const review = await this.ledger.post<ReviewItem>(`/reviews/${encodeURIComponent(reviewId)}/resolve`, {
      decision: options.decision,
      note: options.note,
    });
    print(options, review, () => `review ${review.id} of transfer ${review.transferId}: ${review.decision}`);
  }

  @Option({ flags: '--decision <decision>', description: 'accept_bank or keep_ledger' })
  decision(value: string): string {
    return value;
  }

  @Option({ flags: '--note <text>', description: 'why, for the record' })
  note(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
