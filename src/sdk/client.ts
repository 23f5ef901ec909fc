import type { Ed25519KeyPair } from '../crypto/index.ts';
import { AppError, isErrorCode } from '../errors.ts';
import { signTx, type Checkpoint, type SignedCheckpoint, type SignedTxJson, type StateProof, type Tx } from '../ledger/index.ts';
import {
  dereferenceDidKeyLocally,
  identifierPath,
  isProvenAnswer,
  proofOf,
  resolutionError,
  resolveDidKeyLocally,
  verifyRdidDereference,
  verifyRdidResolution,
  type VerifiedDereference,
  type VerifiedResolution,
} from './did.ts';
import type { DereferencingResult, ResolutionResult, ResolveOptions } from '../did/index.ts';
import { dereferenceOf, MEDIA, parseDidUrl, resolveOptionsOf } from '../did/index.ts';
import {
  hashGenesis,
  trustFromGenesis,
  verifyCheckpointConsistency,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
  type TrustAnchor,
} from './verify.ts';

export interface ClientOptions {
  /** Base URL of a node, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Organizations trusted to sign checkpoints. Default: taken from the node's genesis. */
  readonly trust?: TrustAnchor;
  /** Pin the chain: the node's genesis must hash to this (checked when `trust` is not given). */
  readonly genesisHash?: string;
  /** Distinct trusted organizations that must have signed a checkpoint. */
  readonly minSignatures?: number;
  /** The last checkpoint this client saw (e.g. persisted); later ones must be consistent with it. */
  readonly lastCheckpoint?: Checkpoint;
  readonly fetch?: typeof fetch;
}

export interface Receipt {
  readonly id: string;
  readonly height: number;
  readonly logIndex: number;
}

export type BatchOutcome =
  | { readonly ok: true; readonly id: string; readonly height: number; readonly logIndex: number }
  | { readonly ok: false; readonly id?: string; readonly error: { readonly code: string; readonly message: string } };

/**
 * Typed client of a realdid node that trusts nothing it can check: checkpoints must be signed by
 * trusted organizations and consistent with the last one seen; transactions and state come with
 * proofs that are verified before anything is returned.
 */
export class RealdidClient {
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #options: ClientOptions;
  #trust: TrustAnchor | undefined;
  #last: Checkpoint | undefined;

  constructor(options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
    this.#options = options;
    this.#trust = options.trust;
    this.#last = options.lastCheckpoint;
  }

  /** The last verified checkpoint (persist it to keep consistency across runs). */
  get lastCheckpoint(): Checkpoint | undefined {
    return this.#last;
  }

  /**
   * One HTTP exchange: the status and the parsed JSON body (undefined when empty).
   * @throws ERR_SDK_HTTP when the node cannot be reached or dies mid-answer,
   *   ERR_SDK_BAD_RESPONSE when the body is not JSON
   */
  async #exchange(method: 'GET' | 'POST', path: string, body?: unknown, accept?: string): Promise<{ status: number; ok: boolean; json: unknown }> {
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(`${this.url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(accept === undefined ? {} : { accept }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await res.text(); // inside the try: a node dying mid-answer is a network error too
    } catch (err) {
      throw new AppError('ERR_SDK_HTTP', `cannot reach ${this.url}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return { status: res.status, ok: res.ok, json: text === '' ? undefined : JSON.parse(text) };
    } catch (err) {
      throw new AppError('ERR_SDK_BAD_RESPONSE', `${method} ${path}: answer is not JSON (status ${res.status})`, { cause: err });
    }
  }

  /**
   * Calls the API. Error answers become AppErrors with the node's code.
   * @throws the node's error code, or ERR_SDK_HTTP when the node cannot be reached
   */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { status, ok, json } = await this.#exchange(method, path, body);
    if (!ok) {
      const e = json as { code?: unknown; message?: unknown; details?: Record<string, unknown> } | undefined;
      const message = typeof e?.message === 'string' ? e.message : `status ${status}`;
      if (isErrorCode(e?.code)) throw new AppError(e.code, message, e.details === undefined ? {} : { details: e.details });
      throw new AppError('ERR_SDK_HTTP', `${method} ${path}: ${message}`);
    }
    return json as T;
  }

  /** The node's genesis document and hash, checked against the pinned hash if any. */
  async genesis(): Promise<{ hash: string; genesis: { chainId: string; time: number; modules: Record<string, unknown> } }> {
    const g = await this.request<{ hash: string; genesis: { chainId: string; time: number; modules: Record<string, unknown> } }>('GET', '/v1/genesis');
    const hash = hashGenesis(g.genesis);
    if (hash !== g.hash) throw new AppError('ERR_SDK_BAD_RESPONSE', 'genesis document does not hash to the announced hash');
    if (this.#options.genesisHash !== undefined && hash !== this.#options.genesisHash) {
      throw new AppError('ERR_LEDGER_BAD_GENESIS', `node runs chain ${hash}, pinned ${this.#options.genesisHash}`);
    }
    return g;
  }

  /** The trust anchor in use (loading it from the genesis on first use). */
  async trust(): Promise<TrustAnchor> {
    this.#trust ??= trustFromGenesis((await this.genesis()).genesis);
    return this.#trust;
  }

  /**
   * Verifies a signed checkpoint and its consistency with the last one seen, then remembers it.
   * @throws ERR_LEDGER_BAD_CHECKPOINT, ERR_LEDGER_INCONSISTENT
   */
  async acceptCheckpoint(scp: SignedCheckpoint): Promise<Checkpoint> {
    const cp = verifySignedCheckpoint(scp, await this.trust(), this.#options.minSignatures ?? 1);
    const last = this.#last;
    if (last !== undefined && (cp.height !== last.height || cp.blockHash !== last.blockHash)) {
      if (cp.logSize < last.logSize || cp.height < last.height) {
        // An older checkpoint (e.g. a lagging node) must be a prefix of what we saw; keep ours.
        const p = await this.consistencyProof(cp.logSize, last.logSize);
        verifyCheckpointConsistency(cp, last, p);
        return cp;
      }
      verifyCheckpointConsistency(last, cp, await this.consistencyProof(last.logSize, cp.logSize));
    }
    if (last === undefined || cp.height >= last.height) this.#last = cp;
    return cp;
  }

  /** The latest checkpoint, verified. */
  async checkpoint(): Promise<Checkpoint> {
    return this.acceptCheckpoint(await this.request<SignedCheckpoint>('GET', '/v1/checkpoint'));
  }

  async consistencyProof(size1: number, size2: number): Promise<string[]> {
    if (size1 === size2) return [];
    return (await this.request<{ hashes: string[] }>('GET', `/v1/proofs/consistency?size1=${size1}&size2=${size2}`)).hashes;
  }

  /** Submits one signed transaction and waits for its commit. */
  submit(tx: SignedTxJson): Promise<Receipt> {
    return this.request<Receipt>('POST', '/v1/txs', tx);
  }

  async submitBatch(txs: readonly SignedTxJson[]): Promise<BatchOutcome[]> {
    return (await this.request<{ results: BatchOutcome[] }>('POST', '/v1/txs/batch', { txs })).results;
  }

  async nextNonce(did: string): Promise<number> {
    return (await this.request<{ nextNonce: number }>('GET', `/v1/signers/${encodeURIComponent(did)}/nonce`)).nextNonce;
  }

  /** Signs (with the next nonce and the current time) and submits a transaction. */
  async signAndSubmit(keyPair: Ed25519KeyPair, signer: string, kind: string, body: SignedTxJson['body']): Promise<Receipt> {
    const did = signer.slice(0, signer.indexOf('#'));
    const nonce = await this.nextNonce(did);
    return this.submit(signTx({ kind, body, signer, nonce, created: Date.now() }, keyPair));
  }

  /** A committed transaction, verified by its inclusion proof against a verified checkpoint. */
  async tx(id: string): Promise<{ tx: Tx; height: number; logIndex: number; checkpoint: Checkpoint }> {
    const a = await this.request<{ id: string; tx: unknown; height: number; logIndex: number; inclusion: { leafIndex: number; logSize: number; hashes: string[] }; checkpoint: SignedCheckpoint }>(
      'GET', `/v1/txs/${encodeURIComponent(id)}`);
    const checkpoint = await this.acceptCheckpoint(a.checkpoint);
    const tx = verifyTxInclusion(a, checkpoint);
    if (tx.id !== id) throw new AppError('ERR_LEDGER_BAD_PROOF', `asked for ${id}, got ${tx.id}`);
    return { tx, height: a.height, logIndex: a.logIndex, checkpoint };
  }

  /** A state key's value (or null), verified by its sparse-Merkle proof against a verified checkpoint. */
  async state<T = unknown>(key: string): Promise<{ value: T | null; proof: StateProof; checkpoint: Checkpoint }> {
    const a = await this.request<{ value: unknown; proof: StateProof; checkpoint: SignedCheckpoint }>('GET', `/v1/state?key=${encodeURIComponent(key)}`);
    const checkpoint = await this.acceptCheckpoint(a.checkpoint);
    const value = verifyStateAnswer(key, a, checkpoint) as T | null;
    return { value, proof: a.proof, checkpoint };
  }

  block(height: number): Promise<{ height: number; hash: string; header: Record<string, unknown>; txIds: string[]; signatures: unknown[] }> {
    return this.request('GET', `/v1/blocks/${height}`);
  }

  /** Adds an organization's cosignature to a checkpoint. */
  cosign(height: number, signature: { org: string; key: string; sig: string }): Promise<SignedCheckpoint> {
    return this.request('POST', `/v1/checkpoints/${height}/signatures`, signature);
  }

  signedCheckpoint(height?: number): Promise<SignedCheckpoint> {
    return this.request('GET', height === undefined ? '/v1/checkpoint' : `/v1/checkpoints/${height}`);
  }

  govOrgs(): Promise<{ quorum: number; orgs: { id: string; name: string; keys: string[] }[] }> {
    return this.request('GET', '/v1/gov/orgs');
  }

  govProposals(status?: 'open' | 'executed' | 'failed'): Promise<{ proposals: unknown[]; next: string | null }> {
    return this.request('GET', `/v1/gov/proposals${status === undefined ? '' : `?status=${status}`}`);
  }

  govProposal(id: string): Promise<Record<string, unknown>> {
    return this.request('GET', `/v1/gov/proposals/${id}`);
  }

  govRoles(role?: string): Promise<{ roles: unknown[]; next: string | null }> {
    return this.request('GET', `/v1/gov/roles${role === undefined ? '' : `?role=${role}`}`);
  }

  /**
   * Resolves a DID like a light client: did:key locally; did:rdid through the node's resolver,
   * accepting the answer only if its checkpoint is trusted and consistent and its state proofs
   * establish exactly the returned document and metadata.
   * @throws ERR_DID_INVALID, ERR_DID_INVALID_OPTIONS, ERR_DID_NOT_FOUND (proven),
   *   ERR_DID_VERSION_NOT_FOUND, ERR_DID_METHOD_NOT_SUPPORTED, ERR_DID_FEATURE_NOT_SUPPORTED,
   *   ERR_DID_BAD_PROOF, ERR_LEDGER_BAD_CHECKPOINT
   */
  async resolveDid(didUrl: string, options: ResolveOptions = {}): Promise<VerifiedResolution> {
    const url = parseDidUrl(didUrl);
    if (url.method === 'key') return resolveDidKeyLocally(url.did);
    // Fails here, without asking, for a DID URL (dereferenceDid) or options the resolver would refuse.
    resolveOptionsOf(didUrl, options);
    const { status, json } = await this.#exchange('GET', identifierPath(didUrl, options), undefined, MEDIA.resolution);
    const result = json as ResolutionResult | undefined;
    if (result === undefined || !isProvenAnswer(status, result.didResolutionMetadata)) throw resolutionError(status, result?.didResolutionMetadata);
    const checkpoint = await this.acceptCheckpoint(proofOf(result.didResolutionMetadata).checkpoint);
    return verifyRdidResolution(didUrl, options, result, checkpoint);
  }

  /**
   * Dereferences a DID URL like a light client (DID Resolution §5): a fragment gives the
   * verification method or service, `?service=…&relativeRef=…` the document with that service
   * and its endpoint URL (`serviceEndpoint`), a plain DID the document. did:key locally; did:rdid
   * through the node, accepting the answer only as {@link RealdidClient.resolveDid} does and if
   * the content is exactly what the DID URL names in the proven document.
   * @throws the codes of resolveDid, ERR_DID_INVALID_URL, ERR_DID_RESOURCE_NOT_FOUND (proven)
   * @example
   * const { content } = await client.dereferenceDid(`${did}#key-0`); // the verification method
   */
  async dereferenceDid(didUrl: string, options: ResolveOptions = {}): Promise<VerifiedDereference> {
    if (dereferenceOf(didUrl, options as Record<string, string>).method === 'key') return dereferenceDidKeyLocally(didUrl, options);
    const { status, json } = await this.#exchange('GET', identifierPath(didUrl, options), undefined, MEDIA.dereferencing);
    const result = json as DereferencingResult | undefined;
    if (result === undefined || !isProvenAnswer(status, result.dereferencingMetadata)) throw resolutionError(status, result?.dereferencingMetadata);
    const checkpoint = await this.acceptCheckpoint(proofOf(result.dereferencingMetadata).checkpoint);
    return verifyRdidDereference(didUrl, options, result, checkpoint);
  }

  health(): Promise<{ status: string; chainId: string; height: number; pending: number }> {
    return this.request('GET', '/health');
  }
}
