import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { commandContext } from '../../auth/command-context.http';
import { ApiError } from '../../http/api-error';
import { decodeCursor, Page, PageQuery, toPage } from '../../http/pagination';
import { uuidParam } from '../../http/validation.pipe';
import { ShownOnce } from '../../idempotency/idempotency.interceptor';
import { newEntityId } from '../../shared/command-context';
import { WebhookDeliveryWorker } from '../delivery/webhook-delivery.worker';
import {
  CreateWebhookEndpointDto,
  DeliveryAttemptResponse,
  DeliveryAttemptsPage,
  RedeliveryResponse,
  UpdateWebhookEndpointDto,
  WebhookEndpointResponse,
  WebhookEndpointsPage,
  WebhookEndpointWithSecretResponse,
} from './webhook-endpoint.dto';
import { DeliveryAttemptRow, WebhookEndpointRow, WebhookEndpointsStore } from './webhook-endpoints.store';
import { WebhookTargetPolicy } from '../delivery/webhook-target-policy';
import {
  ApiAuthenticated,
  ApiErrors,
  ApiIdempotencyKey,
  ApiJsonBody,
  ApiReadYourWrites,
  Operation,
} from '../../http/api-docs';
import { ApiNoBody, NoBody } from '../../http/no-body';

const isAttemptId = (id: string) => /^\d{1,18}$/.test(id);

const notFound = () => new ApiError(404, 'not_found', 'No such webhook endpoint.');

/**
 * Where the caller's public events are pushed, signed. Every role may keep endpoints; each sees
 * only its own (admins: all). POSTs honour Idempotency-Key through the global interceptor.
 */
@ApiTags('webhook-endpoints')
@ApiAuthenticated()
@Controller('api/v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    private readonly endpoints: WebhookEndpointsStore,
    private readonly targets: WebhookTargetPolicy,
    private readonly deliveries: WebhookDeliveryWorker,
  ) {}

  @Post()
  @HttpCode(201)
  @ShownOnce('secret')
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretResponse, description: 'The secret is shown once.' })
  @Operation('createWebhookEndpoint', 'Register a URL to receive signed events (secret shown once)')
  @ApiIdempotencyKey({ required: false })
  @ApiJsonBody()
  @ApiErrors('webhook_endpoint_exists')
  async create(
    @Body() body: CreateWebhookEndpointDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<WebhookEndpointWithSecretResponse> {
    await this.assertSafeTarget(body.url);
    const secret = newSecret();
    const created = await this.endpoints.create({
      id: newEntityId('webhook-endpoint', commandContext(request, principal)),
      owner_user_id: principal.userId,
      owner_is_admin: principal.role === 'admin',
      url: body.url,
      event_types: body.eventTypes,
      description: body.description ?? null,
      secret,
    });
    if (!created) {
      throw new ApiError(
        409,
        'webhook_endpoint_exists',
        'A different endpoint was created under this Idempotency-Key.',
      );
    }
    return { ...toEndpoint(created), secret };
  }

  @Get()
  @Operation('listWebhookEndpoints', 'The caller’s webhook endpoints')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: WebhookEndpointsPage })
  @ApiErrors('invalid_cursor')
  async list(
    @Query() query: PageQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<WebhookEndpointResponse>> {
    const rows = await this.endpoints.list(principal, decodeCursor(query.cursor), query.limit);
    return toPage(rows, query.limit, toEndpoint);
  }

  @Get(':endpointId')
  @Operation('getWebhookEndpoint', 'A webhook endpoint')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiErrors('not_found')
  async get(
    @Param('endpointId', uuidParam('endpointId')) endpointId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookEndpointResponse> {
    return toEndpoint(await this.visible(endpointId, principal));
  }

  @Patch(':endpointId')
  @Operation('updateWebhookEndpoint', 'Change a webhook endpoint’s url, event types or status')
  @ApiJsonBody()
  @ApiOkResponse({ type: WebhookEndpointResponse })
  @ApiErrors('not_found')
  async update(
    @Param('endpointId', uuidParam('endpointId')) endpointId: string,
    @Body() body: UpdateWebhookEndpointDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookEndpointResponse> {
    if (body.url !== undefined) await this.assertSafeTarget(body.url);
    const updated = await this.endpoints.update(endpointId, principal, body);
    if (!updated) throw notFound();
    if (updated.status === 'enabled') this.deliveries.wake();
    return toEndpoint(updated);
  }

  @Delete(':endpointId')
  @HttpCode(204)
  @Operation('deleteWebhookEndpoint', 'Delete a webhook endpoint')
  @ApiNoContentResponse()
  @ApiErrors('validation_failed', 'not_found')
  async remove(
    @Param('endpointId', uuidParam('endpointId')) endpointId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    if (!(await this.endpoints.delete(endpointId, principal))) throw notFound();
  }

  @Post(':endpointId/rotate-secret')
  @HttpCode(200)
  @ShownOnce('secret')
  @ApiNoBody()
  @Operation('rotateWebhookEndpointSecret', 'A new signing secret for an endpoint (shown once)')
  @ApiIdempotencyKey({ required: false })
  @ApiErrors('validation_failed', 'not_found')
  @ApiOkResponse({
    type: WebhookEndpointWithSecretResponse,
    description: 'The new secret, shown once; deliveries from now on are signed with it.',
  })
  async rotateSecret(
    @Param('endpointId', uuidParam('endpointId')) endpointId: string,
    @Body() _body: NoBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<WebhookEndpointWithSecretResponse> {
    const secret = newSecret();
    const rotated = await this.endpoints.rotateSecret(endpointId, principal, secret);
    if (!rotated) throw notFound();
    return { ...toEndpoint(rotated), secret };
  }

  @Get(':endpointId/deliveries')
  @Operation('listWebhookDeliveries', 'Delivery attempts to an endpoint, newest first')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: DeliveryAttemptsPage })
  @ApiErrors('invalid_cursor', 'not_found')
  async attempts(
    @Param('endpointId', uuidParam('endpointId')) endpointId: string,
    @Query() query: PageQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<DeliveryAttemptResponse>> {
    const after = decodeCursor(query.cursor, isAttemptId);
    await this.visible(endpointId, principal);
    return toPage(await this.endpoints.attempts(endpointId, after, query.limit), query.limit, toAttempt);
  }

  @Post(':endpointId/deliveries/:eventId/redeliver')
  @HttpCode(202)
  @ApiNoBody()
  @Operation('redeliverWebhookEvent', 'Queue an event for delivery to an endpoint again')
  @ApiIdempotencyKey({ required: false })
  @ApiAcceptedResponse({ type: RedeliveryResponse, description: 'Queued: sent as soon as the endpoint is enabled.' })
  @ApiErrors('validation_failed', 'not_found')
  async redeliver(
    @Param('endpointId', uuidParam('endpointId')) endpointId: string,
    @Param('eventId', uuidParam('eventId')) eventId: string,
    @Body() _body: NoBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RedeliveryResponse> {
    const endpoint = await this.visible(endpointId, principal);
    if (!(await this.endpoints.redeliver(endpoint, eventId))) {
      throw new ApiError(404, 'not_found', 'No such event for this endpoint.');
    }
    this.deliveries.wake();
    return { endpointId, eventId, status: 'pending' };
  }

  private async visible(endpointId: string, principal: Principal): Promise<WebhookEndpointRow> {
    const endpoint = await this.endpoints.find(endpointId, principal);
    if (!endpoint) throw notFound();
    return endpoint;
  }

  private async assertSafeTarget(url: string): Promise<void> {
    const problem = await this.targets.problemWith(url);
    if (problem) {
      throw new ApiError(400, 'validation_failed', 'The request is invalid.', [{ field: 'url', problems: [problem] }]);
    }
  }
}

/** `whsec_` and 192 random bits, as Stripe's secrets look. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

function toEndpoint(row: WebhookEndpointRow): WebhookEndpointResponse {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    status: row.status,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toAttempt(row: DeliveryAttemptRow): DeliveryAttemptResponse {
  return {
    eventId: row.event_id,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    error: row.error,
    at: row.created_at.toISOString(),
  };
}
