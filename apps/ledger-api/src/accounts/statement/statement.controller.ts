import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canSee, CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { ApiAuthenticated, ApiErrors, Operation } from '../../http/api-docs';
import { jsonAmount } from '../../http/json-amount';
import { preferredMediaType } from '../../http/preferred-media-type';
import { takeOverResponse } from '../../http/raw-response';
import { IsRfc3339Time } from '../../http/rfc3339';
import { uuidParam } from '../../http/validation.pipe';
import { AccountReadModel } from '../account.read-model';
import { AccountStatement, BalanceAt, StatementEntry, StatementPeriod, StatementSummary } from './account-statement';
import { StatementCsvWriter } from './statement-csv';
import { StatementResponse } from './statement.response';

class StatementQuery {
  @ApiProperty({ description: 'Start (exclusive): the opening balance is the account at this instant. RFC 3339.' })
  @IsRfc3339Time()
  from!: string;

  @ApiProperty({ description: 'End (inclusive): the closing balance is the account at this instant. RFC 3339.' })
  @IsRfc3339Time()
  to!: string;
}

/** An account statement for a period, as JSON or (`Accept: text/csv`) as CSV streamed as it is read. */
@ApiTags('accounts')
@ApiAuthenticated()
@Controller('api/v1/accounts/:accountId/statement')
export class StatementController {
  constructor(
    private readonly accounts: AccountReadModel,
    private readonly statements: AccountStatement,
  ) {}

  @Get()
  @Operation(
    'getAccountStatement',
    'Account statement: opening, entries with running balances, totals, closing',
    'The ledger balance (settled money) at `from`, every movement of it recorded after `from` up to and ' +
      'including `to` with the balance after each, the totals of credits and debits, and the ledger balance at ' +
      '`to`. Opening and closing equal the point-in-time audit of the account at `from` and `to`; holds are shown ' +
      'beside them but are not entries (a hold that settles becomes a debit then). Replayed from the account’s ' +
      'events, so it needs no read model to have caught up. `Accept: text/csv` gives the same as CSV ' +
      '(`record,at,eventId,type,referenceId,direction,amount,ledgerAfter,held`: one opening line, the entries, ' +
      'a total line per direction, one closing line). Owners and admins.',
  )
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: StatementResponse })
  @ApiErrors('validation_failed', 'not_found')
  async statement(
    @Param('accountId', uuidParam('accountId')) accountId: string,
    @Query() query: StatementQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const period = { from: new Date(query.from), to: new Date(query.to) };
    if (period.from >= period.to) {
      throw new ApiError(400, 'validation_failed', 'The request is invalid.', [
        { field: 'to', problems: ['to must be later than from'] },
      ]);
    }
    const account = await this.accounts.find(accountId);
    if (!account || !canSee(principal, account.user_id)) throw new ApiError(404, 'not_found', 'No such account.');
    if (preferredMediaType(request.headers.accept, ['application/json', 'text/csv']) === 'text/csv') {
      return this.csv(accountId, period, reply);
    }
    const collected: StatementEntry[] = [];
    const summary = await walkThrough(this.statements.walk(accountId, period), (entry) => collected.push(entry));
    void reply.send({
      accountId,
      currency: account.currency,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      opening: balanceView(summary.opening),
      entries: collected.map((entry) => entryView(entry, summary.opening.ledger)),
      totals: { credits: jsonAmount(summary.credits), debits: jsonAmount(summary.debits) },
      closing: balanceView(summary.closing),
    } satisfies StatementResponse);
  }

  /**
   * The opening must lead the file, and only a full read settles it (see `walk`): a first read
   * sums, a second streams the entries. Memory stays flat whatever the period.
   */
  private async csv(accountId: string, period: StatementPeriod, reply: FastifyReply): Promise<void> {
    const summary = await walkThrough(this.statements.walk(accountId, period), () => undefined);
    const file = `statement-${accountId}-${compact(period.from)}-${compact(period.to)}.csv`;
    const response = takeOverResponse(reply);
    response.statusCode = 200;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${file}"`);
    const writer = new StatementCsvWriter(response);
    try {
      await writer.opening(period, summary.opening);
      await walkThrough(this.statements.walk(accountId, period), (entry) =>
        writer.entry(entry, summary.opening.ledger),
      );
      await writer.end(period, summary);
    } catch {
      // Headers are gone: a cut-off body is how a failure shows now (no closing line).
      response.destroy();
    }
  }
}

/** Hands each entry on, in order, and answers the summary that ends the walk. */
async function walkThrough(
  walk: AsyncGenerator<StatementEntry, StatementSummary>,
  onEntry: (entry: StatementEntry) => unknown,
): Promise<StatementSummary> {
  for (let step = await walk.next(); ; step = await walk.next()) {
    if (step.done) return step.value;
    await onEntry(step.value);
  }
}

const compact = (at: Date) => at.toISOString().replace(/[-:]|\.\d+/g, '');

const balanceView = (balance: BalanceAt) => ({ ledger: jsonAmount(balance.ledger), held: jsonAmount(balance.held) });

const entryView = (entry: StatementEntry, openingLedger: bigint) => ({
  at: entry.at.toISOString(),
  eventId: entry.eventId,
  type: entry.type,
  referenceId: entry.referenceId,
  direction: entry.direction,
  amount: jsonAmount(entry.amount),
  ledgerAfter: jsonAmount(openingLedger + entry.movedSoFar),
});
