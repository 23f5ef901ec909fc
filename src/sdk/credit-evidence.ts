/**
 * Evidence a wallet keeps: a transaction with its inclusion proof (RFC 6962) and a state value
 * with its sparse-Merkle proof, each with the signed checkpoint it was checked against, so that it
 * can be checked again offline against the chain's trust anchor.
 */
import { AppError } from '../errors.ts';
import type { SignedCheckpoint, SignedTxJson, StateProof, Tx } from '../ledger/index.ts';
import type { RealdidClient } from './client.ts';
import { verifyTxInclusion } from './verify.ts';

/** A transaction's inclusion proof and the signed checkpoint it was checked against. */
export interface TxEvidence {
  readonly id: string;
  readonly kind: string;
  readonly height: number;
  readonly logIndex: number;
  readonly tx: SignedTxJson;
  readonly inclusion: {
    readonly leafIndex: number;
    readonly logSize: number;
    readonly hashes: readonly string[];
  };
  readonly checkpoint: SignedCheckpoint;
}

/** A state value's proof and the signed checkpoint it was checked against. */
export interface StateEvidenceOf<T> {
  readonly key: string;
  readonly value: T;
  readonly proof: StateProof;
  readonly checkpoint: SignedCheckpoint;
}

/**
 * A committed transaction with its inclusion proof, checked against a signed checkpoint the
 * client accepts (as `RealdidClient.tx` does), keeping the proof and the signed checkpoint as
 * evidence that can be checked again offline ({@link verifyTxInclusion}).
 * @throws ERR_LEDGER_BAD_PROOF, ERR_LEDGER_NOT_FOUND, the checkpoint codes
 */
export async function txEvidence(client: RealdidClient, id: string): Promise<TxEvidence> {
  const floor = client.lastCheckpoint ?? null;
  const a = await client.request<{
    id: string;
    tx: SignedTxJson;
    height: number;
    logIndex: number;
    inclusion: { leafIndex: number; logSize: number; hashes: string[] };
    checkpoint: SignedCheckpoint;
  }>('GET', `/v1/txs/${encodeURIComponent(id)}`);
  const checkpoint = await client.acceptCheckpoint(a.checkpoint, { floor });
  const tx: Tx = verifyTxInclusion(a, checkpoint);
  if (tx.id !== id) throw new AppError('ERR_LEDGER_BAD_PROOF', `asked for ${id}, got ${tx.id}`);
  return {
    id,
    kind: tx.payload.kind,
    height: a.height,
    logIndex: a.logIndex,
    tx: a.tx,
    inclusion: a.inclusion,
    checkpoint: a.checkpoint,
  };
}
