import { Module } from '@nestjs/common';
import { AdminBootstrap } from './admin-bootstrap';
import { CreateUserController } from './create-user/create-user.controller';
import { CreateUserHandler } from './create-user/create-user.handler';
import { GetUserController } from './get-user/get-user.controller';

@Module({
  controllers: [CreateUserController, GetUserController],
  providers: [CreateUserHandler, AdminBootstrap],
})
export class UsersModule {}
