// The snapshots feature's public face: what other features may use of it.
export { decodeState, encodeState } from './snapshot-codec';
