import type { Ed25519KeyPair } from '../crypto/index.ts';
import type { DidRecord, DocumentSpec } from './document.ts';
import type { CreateBody, DeactivateBody, Patch, RecoverBody, UpdateBody } from './operations.ts';
import { rdidFor, recoveryCommitmentOf } from './state.ts';
import { deriveMasterKey } from './wallet-keys.ts';

/** A transaction ready to sign: kind, body, the signer DID URL and its key. */
export interface PlannedTx<B> {
  readonly kind: string;
  readonly body: B;
  readonly signer: string;
  readonly keyPair: Ed25519KeyPair;
}

/** Fragment of the wallet's authentication key `index`. */
export const authFragment = (index: number): string => `key-${index}`;

/** The wallet's DID document: one key for authentication, assertions and updates. */
export function walletDocument(multikey: string, fragment: string): DocumentSpec {
  return {
    verificationMethod: [{ id: fragment, type: 'Multikey', publicKeyMultibase: multikey }],
    authentication: [fragment],
    assertionMethod: [fragment],
    capabilityInvocation: [fragment],
  };
}

/** did.create for the wallet's master DID: auth key `authIndex`, committing to recovery key `recoveryIndex`. */
export function planCreate(
  seed: Uint8Array,
  authIndex = 0,
  recoveryIndex = 0,
): PlannedTx<CreateBody> & { did: string } {
  const auth = deriveMasterKey(seed, 'auth', authIndex);
  const document = walletDocument(auth.multikey, authFragment(authIndex));
  const recoveryCommitment = recoveryCommitmentOf(
    deriveMasterKey(seed, 'recovery', recoveryIndex).multikey,
  );
  const did = rdidFor(document, recoveryCommitment);
  return {
    did,
    kind: 'did.create',
    body: { did, document, recoveryCommitment },
    signer: `did:key:${auth.multikey}#${auth.multikey}`,
    keyPair: auth.keyPair,
  };
}

/** did.update signed by the wallet's current auth key. */
export function planUpdate(
  seed: Uint8Array,
  record: DidRecord,
  authIndex: number,
  patches: Patch[],
): PlannedTx<UpdateBody> {
  const auth = deriveMasterKey(seed, 'auth', authIndex);
  return {
    kind: 'did.update',
    body: { did: record.did, version: record.version, patches },
    signer: `${record.did}#${authFragment(authIndex)}`,
    keyPair: auth.keyPair,
  };
}

/** Key rotation: add auth key `toIndex` (all relationships) and remove key `fromIndex`, in one update signed by the old key. */
export function planRotate(
  seed: Uint8Array,
  record: DidRecord,
  fromIndex: number,
  toIndex: number,
): PlannedTx<UpdateBody> {
  const next = deriveMasterKey(seed, 'auth', toIndex);
  return planUpdate(seed, record, fromIndex, [
    {
      op: 'add-key',
      key: { id: authFragment(toIndex), type: 'Multikey', publicKeyMultibase: next.multikey },
      relationships: ['authentication', 'assertionMethod', 'capabilityInvocation'],
    },
    { op: 'remove-key', id: authFragment(fromIndex) },
  ]);
}

/**
 * Recovery after the auth key is lost or compromised: reveal recovery key `recoveryIndex`
 * (signing with it), replace the whole document with auth key `newAuthIndex`, and commit to
 * recovery key `recoveryIndex + 1` (pre-rotation).
 */
export function planRecover(
  seed: Uint8Array,
  record: DidRecord,
  recoveryIndex: number,
  newAuthIndex: number,
): PlannedTx<RecoverBody> {
  const recovery = deriveMasterKey(seed, 'recovery', recoveryIndex);
  const auth = deriveMasterKey(seed, 'auth', newAuthIndex);
  return {
    kind: 'did.recover',
    body: {
      did: record.did,
      version: record.version,
      recoveryKey: recovery.multikey,
      document: walletDocument(auth.multikey, authFragment(newAuthIndex)),
      recoveryCommitment: recoveryCommitmentOf(
        deriveMasterKey(seed, 'recovery', recoveryIndex + 1).multikey,
      ),
    },
    signer: `did:key:${recovery.multikey}#${recovery.multikey}`,
    keyPair: recovery.keyPair,
  };
}

/** Deactivation, signed by the revealed recovery key `recoveryIndex` (the only key that may end a DID). */
export function planDeactivate(
  seed: Uint8Array,
  record: DidRecord,
  recoveryIndex: number,
): PlannedTx<DeactivateBody> {
  const recovery = deriveMasterKey(seed, 'recovery', recoveryIndex);
  return {
    kind: 'did.deactivate',
    body: { did: record.did, version: record.version, recoveryKey: recovery.multikey },
    signer: `did:key:${recovery.multikey}#${recovery.multikey}`,
    keyPair: recovery.keyPair,
  };
}
