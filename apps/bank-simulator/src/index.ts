export * from './bank-simulator';
export * from './webhook-signature';
export * from './bank-statement';
