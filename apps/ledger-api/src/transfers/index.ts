// The transfers feature's public face: what other features may use of it.
export { TransfersModule } from './transfers.module';
export { BANK_GATEWAY, BankGateway } from './bank/bank-gateway';
export { reviewIdOf } from './transfers.projection';
export { ReviewItemResponse } from './review-item.response';
export { TransferResponse } from './transfer.response';
export { toTransferResponse } from './transfer.view';
