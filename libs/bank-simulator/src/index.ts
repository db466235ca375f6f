export * from './bank-simulator';
export * from './bank-statement';
