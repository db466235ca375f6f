import { ApiProperty } from '@nestjs/swagger';

export class BalanceView {
  @ApiProperty({ description: 'ledger − held, never below 0' }) available!: number | string;
  @ApiProperty({ description: 'open holds' }) held!: number | string;
  @ApiProperty({ description: 'settled money' }) ledger!: number | string;
}

export class AccountResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['open', 'frozen', 'closed'] }) status!: string;
  @ApiProperty({ type: BalanceView }) balance!: BalanceView;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AccountBalanceResponse {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() available!: number | string;
  @ApiProperty() held!: number | string;
  @ApiProperty() ledger!: number | string;
  @ApiProperty({ description: 'event-store position the balance reflects' }) position!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class AccountBalanceLine extends BalanceView {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
}

/** Every account of a user with its balance (GET /api/v1/users/{userId}/balance). */
export class UserBalancesResponse {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: [AccountBalanceLine] }) balances!: AccountBalanceLine[];
}
