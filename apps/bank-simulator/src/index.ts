export * from './bank-simulator';
export * from './webhook-signature';
