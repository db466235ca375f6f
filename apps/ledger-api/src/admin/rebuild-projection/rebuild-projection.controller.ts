import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/principal';
import { ProjectionRebuilds } from './projection-rebuilds';
import { RebuildProgressResponse, RebuildStartedResponse } from './rebuild.response';
import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey, ApiReadYourWrites, Operation } from '../../http/api-docs';
import { ApiNoBody, NoBody } from '../../http/no-body';

/** Rebuilds a read model from the start of `$all` while the live one keeps serving (API.md, Admin). */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/projections/:name/rebuild')
export class RebuildProjectionController {
  constructor(private readonly rebuilds: ProjectionRebuilds) {}

  @Post()
  @HttpCode(202)
  @ApiNoBody()
  @Operation('startProjectionRebuild', 'Rebuild a projection from the events without downtime (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiAcceptedResponse({ type: RebuildStartedResponse })
  @ApiErrors('not_found', 'rebuild_in_progress')
  start(@Param('name') name: string, @Body() _body: NoBody) {
    return this.rebuilds.start(name);
  }

  @Get()
  @Operation('getProjectionRebuild', 'Progress of a projection’s latest rebuild (admin)')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: RebuildProgressResponse })
  @ApiErrors('not_found')
  status(@Param('name') name: string) {
    return this.rebuilds.status(name);
  }
}
