/**
 * A did:rdid created at genesis for a body outside the node (a demo court, bank or site): its one
 * key (in authentication, assertionMethod and capabilityInvocation) lives in an encrypted key file
 * `keys/<name>.json` of the data folder, its recovery key in `keys/<name>-recovery.json`.
 */
import type { ModuleInitContext } from '../ledger/index.ts';
import type { DocumentSpec } from './document.ts';
import { rdidFor, recoveryCommitmentOf } from './state.ts';

/** The fragment of a genesis actor's one key. */
export const GENESIS_ACTOR_KEY_ID = 'key';

/** A DID document entry for genesis `did.documents`. */
export interface GenesisDocument {
  readonly did: string;
  readonly document: DocumentSpec;
  readonly recoveryCommitment: string;
}

/**
 * Creates `keys/<keyFile>.json` (the actor's key) and `keys/<keyFile>-recovery.json`, and returns
 * the actor's genesis document.
 */
export function genesisActor(
  ctx: Pick<ModuleInitContext, 'keyFile'>,
  keyFile: string,
  keyId: string = GENESIS_ACTOR_KEY_ID,
): GenesisDocument {
  const key = ctx.keyFile(keyFile);
  const recovery = ctx.keyFile(`${keyFile}-recovery`);
  const document: DocumentSpec = {
    verificationMethod: [{ id: keyId, type: 'Multikey', publicKeyMultibase: key }],
    authentication: [keyId],
    assertionMethod: [keyId],
    capabilityInvocation: [keyId],
  };
  const recoveryCommitment = recoveryCommitmentOf(recovery);
  return { did: rdidFor(document, recoveryCommitment), document, recoveryCommitment };
}
