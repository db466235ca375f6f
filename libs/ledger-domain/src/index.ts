export * from './shared/result';
export * from './money/currency';
export * from './money/money';
export * from './account/account';
export * from './transfer/bank-callback-classification';
export * from './transfer/transfer';
export * from './transfer/settlement';
export * from './user/user';
