// The users feature's public face: what other features may use of it.
export { NewUser, newUserAppends } from './new-user-appends';
