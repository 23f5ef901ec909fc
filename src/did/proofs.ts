import type { ProofWriter } from './http.ts';
import type { ViewProofSource } from './view-cache.ts';
import { StateTree, type ChainView, type SignedCheckpoint } from '../ledger/index.ts';

/**
 * The ledger proofs the DID resolver puts in its answers, taken from `chain`'s committed head
 * (nothing commits between a read and its proof): `writeProof` for answers built from the store
 * (`resolveForHttp`), `viewProof` for answers from the pre-rendered views (`DidViewCache`).
 * Both carry the same checkpoint JSON, serialized once per checkpoint.
 */
export function resolverProofs(
  chain: Pick<ChainView, 'signedCheckpoint' | 'stateProofJson' | 'writeInclusionSiblingsJson'>,
): {
  writeProof: ProofWriter;
  viewProof: ViewProofSource;
} {
  const writeProof: ProofWriter = (keys, values) => {
    let proofs = '';
    for (let i = 0; i < keys.length; i++)
      proofs += `${i === 0 ? '' : ','}${chain.stateProofJson(keys[i]!, values[i] ?? null)}`;
    return `{"checkpoint":${checkpointJson(chain.signedCheckpoint()).text},"stateProofs":[${proofs}]}`;
  };
  const viewProof: ViewProofSource = {
    checkpointJson: () => checkpointJson(chain.signedCheckpoint()).bytes,
    writeInclusionSiblingsJson: (key, out, offset) =>
      chain.writeInclusionSiblingsJson(key, out, offset),
    siblingsJsonMaxBytes: StateTree.siblingsJsonMaxBytes,
  };
  return { writeProof, viewProof };
}

/** The head checkpoint's JSON, serialized once per checkpoint object (the chain replaces it on change). */
const checkpointJsonCache = new WeakMap<SignedCheckpoint, { text: string; bytes: Buffer }>();
function checkpointJson(cp: SignedCheckpoint): { text: string; bytes: Buffer } {
  let json = checkpointJsonCache.get(cp);
  if (json === undefined) {
    const text = JSON.stringify(cp);
    json = { text, bytes: Buffer.from(text) };
    checkpointJsonCache.set(cp, json);
  }
  return json;
}
