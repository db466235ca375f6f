// The accounts feature's public face: what other features may use of it.
export { AccountsModule } from './accounts.module';
export { AccountReadModel, AccountRow } from './account.read-model';
export { BalanceView } from './account.response';
export { accountsProjection } from './accounts.projection';
export { accountDiscrepancies, accountStream, amountOf, Discrepancy, streamEvents } from './account-replay';
