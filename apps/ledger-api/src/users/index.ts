// The users feature's public face: what other features may use of it.
export { NewUser, newUserAppends } from './new-user-appends';
export { UsersModule } from './users.module';
export { UserReadModel } from './user.read-model';
