// The live channel's public face: what other features may use of it.
export { LiveModule } from './live.module';
export { LiveHub } from './live-hub';
