import { Logger } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventSourcing } from '@ledger/event-sourcing';
import { EventMetadata } from '@ledger/event-store';
import { decideBankCallback, TransferState } from '@ledger/ledger-domain';
import { eventIdFor } from '../../shared/command-context';
import { findTransfer, transferChangeAppends, transferChangeStreams } from '../transfer-streams';
import { BankCallbackDto, BankCallbackResponse } from './bank-callback.dto';

/** The request (or the dispatcher's status query) that brought a callback, and the transfer's correlation id. */
export interface CallbackOrigin {
  requestId: string;
  correlationId: string;
}

export class HandleBankCallbackCommand extends Command<BankCallbackResponse> {
  constructor(
    readonly callback: BankCallbackDto,
    readonly origin: CallbackOrigin,
  ) {
    super();
  }
}

/**
 * Classifies a bank callback against its transfer (API.md's table) and records it on the
 * transfer's stream, with the money it moves on the account in the same atomic append.
 */
@CommandHandler(HandleBankCallbackCommand)
export class HandleBankCallbackHandler implements ICommandHandler<HandleBankCallbackCommand> {
  private readonly logger = new Logger('BankCallbacks');

  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ callback, origin }: HandleBankCallbackCommand): Promise<BankCallbackResponse> {
    const metadata = { ...origin, causationId: callback.eventId };
    const transfer = await findTransfer(this.eventSourcing, callback.transferId);
    const response = transfer
      ? await this.apply(transfer, callback, metadata)
      : await this.recordUnmatched(callback, metadata);
    this.logger.debug(
      { transferId: callback.transferId, correlationId: origin.correlationId, ...response },
      'bank callback handled',
    );
    return response;
  }

  private async apply(
    transfer: Exclude<TransferState, { status: 'none' }>,
    { eventId, transferId, type, failureReason }: BankCallbackDto,
    metadata: EventMetadata,
  ): Promise<BankCallbackResponse> {
    const command = { type: 'HandleBankCallback', eventId, callbackType: type, failureReason } as const;
    const { decision, states } = await this.eventSourcing.handle({
      streams: transferChangeStreams(transfer),
      decide: (states, now) => {
        const decision = decideBankCallback(command, states, now);
        return decision.ok ? { ...transferChangeAppends(decision.writes), outcome: decision.outcome } : decision;
      },
      eventIds: (stream) => eventIdFor(transferId, `${stream === 'transfer' ? 'callback' : 'settle'}:${eventId}`),
      metadata,
    });
    const after = states.transfer;
    return { eventId, outcome: decision.outcome, transferStatus: after.status === 'none' ? null : after.status };
  }

  /** A callback for no known transfer is still kept, on a stream of its own, for audit. */
  private async recordUnmatched(callback: BankCallbackDto, metadata: EventMetadata): Promise<BankCallbackResponse> {
    const { eventId, transferId } = callback;
    await this.eventSourcing.handle({
      streams: { unmatched: { name: `unmatchedcallback-${transferId}`, evolve: () => null, initialState: null } },
      decide: (_, now) => ({
        ok: true,
        events: {
          unmatched: [
            {
              type: 'BankCallbackReceived',
              data: {
                transferId,
                eventId,
                callbackType: callback.type,
                failureReason: callback.failureReason ?? null,
                outcome: 'REJECT',
                at: now.toISOString(),
              },
            },
          ],
        },
        anyRevision: ['unmatched'],
      }),
      eventIds: () => eventIdFor(transferId, `callback:${eventId}`),
      metadata,
    });
    return { eventId, outcome: 'REJECT', transferStatus: null };
  }
}
