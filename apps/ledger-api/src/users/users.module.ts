import { Module, OnModuleInit } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { usersProjection } from './users.projection';
import { AdminBootstrap } from './admin-bootstrap';
import { CreateUserController } from './create-user/create-user.controller';
import { CreateUserHandler } from './create-user/create-user.handler';
import { GetUserController } from './get-user/get-user.controller';
import { UserReadModel } from './user.read-model';

@Module({
  controllers: [CreateUserController, GetUserController],
  providers: [CreateUserHandler, AdminBootstrap, UserReadModel],
  exports: [UserReadModel],
})
export class UsersModule implements OnModuleInit {
  constructor(private readonly runner: ConsumerRunner) {}

  onModuleInit(): void {
    this.runner.register(usersProjection);
  }
}
