import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/principal';
import { ProjectionRebuilds } from './projection-rebuilds';

/** Rebuilds a read model from the start of `$all` while the live one keeps serving (API.md, Admin). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/projections/:name/rebuild')
export class RebuildProjectionController {
  constructor(private readonly rebuilds: ProjectionRebuilds) {}

  @Post()
  @HttpCode(202)
  start(@Param('name') name: string) {
    return this.rebuilds.start(name);
  }

  @Get()
  status(@Param('name') name: string) {
    return this.rebuilds.status(name);
  }
}
