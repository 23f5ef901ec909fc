/** credentials/: SD-JWT VC issuance, presentation and verification, key binding, status lists. */
export { CREDENTIALS_ERRORS } from './errors.ts';
export {
  ed25519OfJwk,
  jwkOfEd25519,
  signerOfKeyPair,
  verifierOfJwk,
  VERIFY_ALGS,
} from './jws-keys.ts';
export type { JwsSigner, JwsVerifier, PublicJwk, VerifyAlg } from './jws-keys.ts';
// sd-jwt (sd-jwt.ts, sd-jwt-vc.ts)
// status lists (status-list.ts)
