import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import { ReviewDecision, TransferEvent } from '@ledger/ledger-domain';
import { CurrentPrincipal, Principal, Roles } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { uuidParam } from '../../http/validation.pipe';
import { commandContext } from '../../auth/command-context.http';
import { setLedgerPosition } from '../../http/ledger-position';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { ChangeTransferCommand } from '../change-transfer/change-transfer.handler';
import { ResolvedReviewResponse } from '../review-item.response';
import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey, ApiJsonBody, Operation } from '../../http/api-docs';
import { ReviewRow } from '../transfers.projection';

const DECISIONS: readonly ReviewDecision[] = ['accept_bank', 'keep_ledger'];

class ResolveReviewDto {
  @ApiProperty({
    enum: DECISIONS,
    description:
      'accept_bank: apply what the bank said (the transfer and its money follow it); keep_ledger: keep the ledger’s outcome.',
  })
  @IsIn(DECISIONS)
  decision!: ReviewDecision;

  @ApiProperty({ minLength: 1, maxLength: 1000, description: 'Why, for the record.' })
  @IsString()
  @Length(1, 1000)
  note!: string;
}

type ReviewResolved = Extract<TransferEvent, { type: 'ReviewResolved' }>;

/** An operator resolves a review item: a bank callback that contradicted the transfer's outcome. */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/reviews/:reviewId/resolve')
export class ResolveReviewController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Post()
  @HttpCode(200)
  @Operation('resolveReview', 'Resolve a review item: accept the bank’s outcome or keep the ledger’s (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiJsonBody()
  @ApiOkResponse({ type: ResolvedReviewResponse })
  @ApiErrors('not_found', 'review_not_open', 'insufficient_funds')
  async resolve(
    @Param('reviewId', uuidParam('reviewId')) reviewId: string,
    @Body() body: ResolveReviewDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    // The review item names the transfer and the callback; the transfer's stream decides.
    const { rows } = await this.pool.query<ReviewRow>('SELECT * FROM rm_reviews WHERE id = $1', [reviewId]);
    const review = rows[0];
    if (!review) throw new ApiError(404, 'not_found', 'No such review item.');
    const { events, position } = await this.commands.execute(
      new ChangeTransferCommand(
        review.transfer_id,
        { type: 'resolve', eventId: review.event_id, decision: body.decision, note: body.note },
        commandContext(request, principal),
      ),
    );
    const resolved = events.find((event): event is ReviewResolved => event.type === 'ReviewResolved')!;
    if (position) setLedgerPosition(response, position);
    return {
      id: review.id,
      transferId: review.transfer_id,
      eventId: review.event_id,
      callbackType: review.callback_type,
      transferStatus: review.transfer_status,
      reason: review.reason,
      status: 'resolved',
      decision: resolved.data.decision,
      note: resolved.data.note,
      resolvedBy: resolved.data.resolvedBy,
      resolvedAt: resolved.data.at,
      createdAt: review.created_at.toISOString(),
    };
  }
}
