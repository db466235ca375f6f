export * from './database-roles';
export * from './embedded-passwords';
export * from './embedded-postgres';
export * from './migrations';
export * from './pool';
export * from './open-database';
export * from './prepared';
export * from './group-commit-queue';
