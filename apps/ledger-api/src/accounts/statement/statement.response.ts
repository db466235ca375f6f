import { ApiProperty } from '@nestjs/swagger';

const AMOUNT = 'Minor units (JSON integer; a decimal string past 2^53 − 1).';

export class StatementBalance {
  @ApiProperty({ description: `Settled money (the ledger balance). ${AMOUNT}` }) ledger!: number | string;
  @ApiProperty({ description: `Open holds then (not part of the ledger balance). ${AMOUNT}` }) held!: number | string;
}

export class StatementTotals {
  @ApiProperty({ description: `Sum of the credit entries. ${AMOUNT}` }) credits!: number | string;
  @ApiProperty({ description: `Sum of the debit entries. ${AMOUNT}` }) debits!: number | string;
}

export class StatementEntryView {
  @ApiProperty({ format: 'date-time', description: 'When the movement was recorded.' }) at!: string;
  @ApiProperty({ format: 'uuid', description: 'The ledger event that moved the money.' }) eventId!: string;
  @ApiProperty({ enum: ['deposit', 'withdrawal', 'payment', 'refund'] }) type!: string;
  @ApiProperty({ format: 'uuid', description: 'The deposit, withdrawal, payment or refund id.' })
  referenceId!: string;
  @ApiProperty({ enum: ['credit', 'debit'] }) direction!: string;
  @ApiProperty({ description: `Positive. ${AMOUNT}` }) amount!: number | string;
  @ApiProperty({ description: `The ledger balance after this entry. ${AMOUNT}` }) ledgerAfter!: number | string;
}

export class StatementResponse {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: StatementBalance, description: 'The account at `from` (as the point-in-time audit).' })
  opening!: StatementBalance;
  @ApiProperty({ type: [StatementEntryView], description: 'Recorded after `from`, up to and including `to`.' })
  entries!: StatementEntryView[];
  @ApiProperty({ type: StatementTotals }) totals!: StatementTotals;
  @ApiProperty({ type: StatementBalance, description: 'The account at `to`: opening.ledger + credits − debits.' })
  closing!: StatementBalance;
}
