import type { Ed25519KeyPair } from '../crypto/index.ts';
import { AppError, isAppError, isErrorCode } from '../errors.ts';
import {
  signTx,
  type Checkpoint,
  type SignedCheckpoint,
  type SignedTxJson,
  type StateProof,
  type Tx,
} from '../ledger/index.ts';
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
import { CheckpointConflictError, GenesisMismatchError, StaleCheckpointError } from './errors.ts';
import {
  finalityOf,
  waitForFinality,
  type VerifiedFinality,
  type WaitForFinalityOptions,
} from './finality.ts';
import { IdentityApi } from './identity.ts';
import {
  hashGenesis,
  sameCheckpoint,
  trustFromGenesis,
  verifyCheckpointConsistency,
  verifySignedCheckpoint,
  verifyStateAnswer,
  verifyTxInclusion,
  type TrustAnchor,
} from './verify.ts';

/** What `GET /v1/modules` lists. */
export interface ModuleList {
  readonly modules: readonly {
    readonly name: string;
    readonly namespace: string;
    readonly kinds: readonly string[];
    readonly queries: readonly {
      readonly name: string;
      readonly summary: string;
      readonly path: string;
    }[];
    readonly errors: readonly string[];
  }[];
}

export interface ClientOptions {
  /** Base URL of a node, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Organizations trusted to sign checkpoints. Default: taken from the node's genesis. */
  readonly trust?: TrustAnchor;
  /** Pin the chain: the node's genesis must hash to this (checked when `trust` is not given). */
  readonly genesisHash?: string;
  /** Distinct trusted organizations that must have signed a checkpoint. */
  readonly minSignatures?: number;
  /**
   * The last checkpoint this client verified (e.g. persisted by a previous run). Later ones must
   * extend it, and one below it is a rollback (see {@link RealdidClient.acceptCheckpoint}).
   */
  readonly lastCheckpoint?: Checkpoint;
  /**
   * Accept a checkpoint below the last one verified if the node proves it a prefix of it (a URL
   * in front of several nodes, some lagging). Default false: a client talks to one node, and a
   * node that goes back is a rollback (`ERR_SDK_ROLLBACK`).
   */
  readonly acceptOlderCheckpoints?: boolean;
  /** Reject answers whose checkpoint is too old (`ERR_SDK_STALE_CHECKPOINT`). */
  readonly freshness?: Freshness;
  /** Clock for `freshness.maxAgeMs`, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Called with each newly remembered checkpoint (to persist it); an error it throws fails the call. */
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void;
  readonly fetch?: typeof fetch;
}

/** How fresh an answer's checkpoint must be. */
export interface Freshness {
  /** The lowest acceptable height. */
  readonly minHeight?: number;
  /** The largest acceptable age of the checkpoint's block time, in ms (by `ClientOptions.now`). */
  readonly maxAgeMs?: number;
}

/** Checks the freshness options once. @throws RangeError */
function checkFreshness(f: Freshness | undefined): void {
  if (f?.minHeight !== undefined && !(Number.isSafeInteger(f.minHeight) && f.minHeight >= 0)) {
    throw new RangeError(
      `"freshness.minHeight" must be a non-negative integer, got ${f.minHeight}`,
    );
  }
  if (f?.maxAgeMs !== undefined && !(Number.isFinite(f.maxAgeMs) && f.maxAgeMs >= 0)) {
    throw new RangeError(`"freshness.maxAgeMs" must be a non-negative number, got ${f.maxAgeMs}`);
  }
}

export interface Receipt {
  readonly id: string;
  readonly height: number;
  readonly logIndex: number;
}

export type BatchOutcome =
  | { readonly ok: true; readonly id: string; readonly height: number; readonly logIndex: number }
  | {
      readonly ok: false;
      readonly id?: string;
      readonly error: { readonly code: string; readonly message: string };
    };

/** `GET /v1/txs/{id}` of a transaction a consortium block recorded as invalid. */
interface InvalidTxAnswer {
  readonly id: string;
  readonly status: 'invalid';
  readonly height: number;
  readonly position: number;
  readonly code: string;
  readonly message: string;
}

/** The error of a transaction recorded invalid: its own code, or ERR_SDK_BAD_RESPONSE for a malformed one. */
function invalidTxError(a: InvalidTxAnswer): AppError {
  const details = { status: 'invalid', height: a.height, position: a.position };
  const message = `transaction ${a.id} was ordered into block ${a.height} and failed there: ${a.message}`;
  return isErrorCode(a.code)
    ? new AppError(a.code, message, { details })
    : new AppError('ERR_SDK_BAD_RESPONSE', `${message} (code ${JSON.stringify(a.code)})`, {
        details,
      });
}

/**
 * Typed client of a realdid node that trusts nothing it can check: checkpoints must be signed by
 * trusted organizations and consistent with the last one seen; transactions and state come with
 * proofs that are verified before anything is returned.
 */
export class RealdidClient {
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #options: ClientOptions;
  #modules: Promise<ModuleList> | undefined;
  #identity: IdentityApi | undefined;
  #trust: TrustAnchor | undefined;
  #last: Checkpoint | undefined;
  readonly #floor: Checkpoint | undefined;

  /** @throws RangeError for malformed `freshness` options */
  constructor(options: ClientOptions) {
    checkFreshness(options.freshness);
    this.url = options.url.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
    this.#options = options;
    this.#trust = options.trust;
    this.#last = options.lastCheckpoint;
    this.#floor = options.lastCheckpoint;
  }

  /** The identity authority's API (enrollment front office, credential copies). */
  get identity(): IdentityApi {
    this.#identity ??= new IdentityApi(this);
    return this.#identity;
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
  async #exchange(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    accept?: string,
  ): Promise<{ status: number; ok: boolean; json: unknown }> {
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(`${this.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(accept === undefined ? {} : { accept }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await res.text(); // inside the try: a node dying mid-answer is a network error too
    } catch (err) {
      throw new AppError('ERR_SDK_HTTP', `cannot reach ${this.url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    try {
      return { status: res.status, ok: res.ok, json: text === '' ? undefined : JSON.parse(text) };
    } catch (err) {
      throw new AppError(
        'ERR_SDK_BAD_RESPONSE',
        `${method} ${path}: answer is not JSON (status ${res.status})`,
        { cause: err },
      );
    }
  }

  /**
   * Calls the API. Error answers become AppErrors with the node's code.
   * @throws the node's error code, or ERR_SDK_HTTP when the node cannot be reached
   */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { status, ok, json } = await this.#exchange(method, path, body);
    if (!ok) {
      const e = json as
        { code?: unknown; message?: unknown; details?: Record<string, unknown> } | undefined;
      const message = typeof e?.message === 'string' ? e.message : `status ${status}`;
      if (isErrorCode(e?.code))
        throw new AppError(e.code, message, e.details === undefined ? {} : { details: e.details });
      throw new AppError('ERR_SDK_HTTP', `${method} ${path}: ${message}`);
    }
    return json as T;
  }

  /**
   * GETs an absolute URL with this client's `fetch` and returns the body as text (e.g. a status
   * list token, which may be served by another node than this client's).
   * @throws ERR_SDK_HTTP when it cannot be fetched or the status is not 200
   */
  async fetchText(url: string, accept?: string): Promise<string> {
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, accept === undefined ? {} : { headers: { accept } });
      text = await res.text();
    } catch (err) {
      throw new AppError('ERR_SDK_HTTP', `cannot fetch ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (res.status !== 200) throw new AppError('ERR_SDK_HTTP', `GET ${url}: status ${res.status}`);
    return text;
  }

  /**
   * POSTs a form (`application/x-www-form-urlencoded`, UTF-8) to an absolute URL with this
   * client's `fetch` and returns the JSON answer (e.g. an OpenID4VP `direct_post` response to a
   * site). An error answer `{code, message}` with a realdid code becomes an AppError of that code.
   * A redirect is not followed (it would send the form to another place).
   * @throws ERR_SDK_HTTP when it cannot be reached, redirects, or answers an error without a code,
   *   ERR_SDK_BAD_RESPONSE when a success answer is not a JSON object
   */
  async postForm(
    url: string,
    fields: Readonly<Record<string, string>>,
  ): Promise<Record<string, unknown>> {
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams(fields).toString(),
        // A 307/308 would post the form again to wherever it points: never follow one.
        redirect: 'error',
      });
      text = await res.text();
    } catch (err) {
      throw new AppError('ERR_SDK_HTTP', `cannot post to ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch (err) {
      if (res.ok)
        throw new AppError('ERR_SDK_BAD_RESPONSE', `POST ${url}: answer is not JSON`, {
          cause: err,
        });
      throw new AppError('ERR_SDK_HTTP', `POST ${url}: status ${res.status}`, { cause: err });
    }
    const body =
      typeof json === 'object' && json !== null && !Array.isArray(json) ? json : undefined;
    if (!res.ok) {
      const e = body as { code?: unknown; message?: unknown } | undefined;
      const message = typeof e?.message === 'string' ? e.message : `status ${res.status}`;
      if (isErrorCode(e?.code)) throw new AppError(e.code, message);
      throw new AppError('ERR_SDK_HTTP', `POST ${url}: ${message}`);
    }
    if (body === undefined)
      throw new AppError('ERR_SDK_BAD_RESPONSE', `POST ${url}: answer is not a JSON object`);
    return body as Record<string, unknown>;
  }

  /**
   * The node's genesis document and hash, checked against the pinned hash if any.
   * @throws ERR_SDK_GENESIS_MISMATCH ({@link GenesisMismatchError}), ERR_SDK_BAD_RESPONSE
   */
  async genesis(): Promise<{
    hash: string;
    genesis: { chainId: string; time: number; modules: Record<string, unknown> };
  }> {
    const g = await this.request<{
      hash: string;
      genesis: { chainId: string; time: number; modules: Record<string, unknown> };
    }>('GET', '/v1/genesis');
    const hash = hashGenesis(g.genesis);
    if (hash !== g.hash)
      throw new AppError(
        'ERR_SDK_BAD_RESPONSE',
        'genesis document does not hash to the announced hash',
      );
    if (this.#options.genesisHash !== undefined && hash !== this.#options.genesisHash) {
      throw new GenesisMismatchError(this.url, this.#options.genesisHash, hash);
    }
    return g;
  }

  /** The trust anchor in use (loading it from the genesis on first use). */
  async trust(): Promise<TrustAnchor> {
    this.#trust ??= trustFromGenesis((await this.genesis()).genesis);
    return this.#trust;
  }

  /**
   * Verifies a signed checkpoint (trusted signatures, freshness) and that it agrees with the last
   * checkpoint verified; remembers it when it is newer.
   *
   * The rule for a checkpoint below the last one verified: it is a rollback (`ERR_SDK_ROLLBACK`)
   * when it is below `floor`, the checkpoint the client had verified when it sent the request.
   * Between the two (answers to concurrent requests come back in any order) the node must prove
   * it a prefix of the last one. `acceptOlderCheckpoints` treats every older checkpoint that way.
   * A newer checkpoint must extend the last one (RFC 6962 consistency proof); another block at a
   * verified height, or a history that does not extend it, is a fork (`ERR_LEDGER_INCONSISTENT`).
   * Both conflicts are {@link CheckpointConflictError}s naming the two checkpoints.
   *
   * @param options.floor default: the `lastCheckpoint` the client was created with; `null` for a
   *   past checkpoint asked for on purpose (it must still be a prefix of the last one)
   * @throws ERR_LEDGER_BAD_CHECKPOINT, ERR_SDK_STALE_CHECKPOINT, ERR_SDK_ROLLBACK, ERR_LEDGER_INCONSISTENT
   */
  async acceptCheckpoint(
    scp: SignedCheckpoint,
    options: { readonly floor?: Checkpoint | null } = {},
  ): Promise<Checkpoint> {
    const cp = verifySignedCheckpoint(scp, await this.trust(), this.#options.minSignatures ?? 1);
    this.#checkFresh(cp);
    const last = this.#last;
    if (last === undefined) return this.#remember(cp);
    if (sameCheckpoint(cp, last)) return cp;
    if (cp.height < last.height) {
      const floor = options.floor === undefined ? this.#floor : options.floor;
      if (
        !this.#options.acceptOlderCheckpoints &&
        floor !== null &&
        floor !== undefined &&
        cp.height < floor.height
      ) {
        throw new CheckpointConflictError(
          'ERR_SDK_ROLLBACK',
          this.url,
          floor,
          cp,
          'a node never goes back to a lower height',
        );
      }
      await this.#checkExtends(cp, last, cp);
      return cp;
    }
    await this.#checkExtends(last, cp, cp);
    return this.#remember(cp);
  }

  #remember(cp: Checkpoint): Checkpoint {
    this.#last = cp;
    this.#options.onCheckpoint?.(cp);
    return cp;
  }

  /** @throws ERR_SDK_STALE_CHECKPOINT */
  #checkFresh(cp: Checkpoint): void {
    const { minHeight, maxAgeMs } = this.#options.freshness ?? {};
    if (minHeight !== undefined && cp.height < minHeight)
      throw new StaleCheckpointError(this.url, cp, { reason: 'height', minHeight });
    if (maxAgeMs === undefined) return;
    const ageMs = (this.#options.now ?? Date.now)() - cp.time;
    if (ageMs > maxAgeMs)
      throw new StaleCheckpointError(this.url, cp, { reason: 'age', maxAgeMs, ageMs });
  }

  /**
   * Checks that `newer` extends `older` with a consistency proof from the node; `received` is the
   * one the node just sent (the other is remembered).
   * @throws ERR_LEDGER_INCONSISTENT, or ERR_SDK_ROLLBACK when an older `received` cannot be proven a prefix
   */
  async #checkExtends(older: Checkpoint, newer: Checkpoint, received: Checkpoint): Promise<void> {
    const remembered = received === older ? newer : older;
    const fork = (why: string, cause?: unknown): CheckpointConflictError =>
      new CheckpointConflictError(
        'ERR_LEDGER_INCONSISTENT',
        this.url,
        remembered,
        received,
        why,
        cause,
      );
    if (newer.logSize < older.logSize)
      throw fork(
        `the log at height ${newer.height} (size ${newer.logSize}) is smaller than at height ${older.height} (size ${older.logSize})`,
      );
    let proof: string[];
    try {
      proof = await this.consistencyProof(older.logSize, newer.logSize);
    } catch (err) {
      if (!isAppError(err, 'ERR_LEDGER_RANGE') && !isAppError(err, 'ERR_LEDGER_NOT_FOUND'))
        throw err;
      const why = `the node cannot prove that the log of size ${older.logSize} is a prefix of the log of size ${newer.logSize} (${err.code}: ${err.message})`;
      if (received === older)
        throw new CheckpointConflictError(
          'ERR_SDK_ROLLBACK',
          this.url,
          remembered,
          received,
          why,
          err,
        );
      throw fork(why, err);
    }
    try {
      verifyCheckpointConsistency(older, newer, proof);
    } catch (err) {
      if (!isAppError(err, 'ERR_LEDGER_INCONSISTENT')) throw err;
      throw fork(err.message, err);
    }
  }

  /** The latest checkpoint, verified. @throws as {@link acceptCheckpoint} */
  async checkpoint(): Promise<Checkpoint> {
    const floor = this.#last ?? null;
    return this.acceptCheckpoint(await this.request<SignedCheckpoint>('GET', '/v1/checkpoint'), {
      floor,
    });
  }

  async consistencyProof(size1: number, size2: number): Promise<string[]> {
    if (size1 === size2) return [];
    return (
      await this.request<{ hashes: string[] }>(
        'GET',
        `/v1/proofs/consistency?size1=${size1}&size2=${size2}`,
      )
    ).hashes;
  }

  /** Submits one signed transaction and waits for its commit. */
  submit(tx: SignedTxJson): Promise<Receipt> {
    return this.request<Receipt>('POST', '/v1/txs', tx);
  }

  async submitBatch(txs: readonly SignedTxJson[]): Promise<BatchOutcome[]> {
    return (await this.request<{ results: BatchOutcome[] }>('POST', '/v1/txs/batch', { txs }))
      .results;
  }

  async nextNonce(did: string): Promise<number> {
    return (
      await this.request<{ nextNonce: number }>(
        'GET',
        `/v1/signers/${encodeURIComponent(did)}/nonce`,
      )
    ).nextNonce;
  }

  /** Signs (with the next nonce and the current time) and submits a transaction. */
  async signAndSubmit(
    keyPair: Ed25519KeyPair,
    signer: string,
    kind: string,
    body: SignedTxJson['body'],
  ): Promise<Receipt> {
    const did = signer.slice(0, signer.indexOf('#'));
    const nonce = await this.nextNonce(did);
    return this.submit(signTx({ kind, body, signer, nonce, created: Date.now() }, keyPair));
  }

  /**
   * A committed transaction, verified by its inclusion proof against a verified checkpoint.
   * A transaction a consortium block recorded as invalid (ordered, tried, failed) throws the code
   * every node got for it, with `details.status` `invalid`, its `height` and `position`.
   * @throws ERR_LEDGER_NOT_FOUND (never ordered), the recorded code of an invalid transaction,
   *   ERR_LEDGER_BAD_PROOF, and the codes of {@link acceptCheckpoint}
   */
  async tx(
    id: string,
  ): Promise<{ tx: Tx; height: number; logIndex: number; checkpoint: Checkpoint }> {
    const floor = this.#last ?? null;
    const a = await this.request<
      | {
          id: string;
          status?: 'committed';
          tx: unknown;
          height: number;
          logIndex: number;
          inclusion: { leafIndex: number; logSize: number; hashes: string[] };
          checkpoint: SignedCheckpoint;
        }
      | InvalidTxAnswer
    >('GET', `/v1/txs/${encodeURIComponent(id)}`);
    if (a.status === 'invalid') throw invalidTxError(a);
    const checkpoint = await this.acceptCheckpoint(a.checkpoint, { floor });
    const tx = verifyTxInclusion(a, checkpoint);
    if (tx.id !== id) throw new AppError('ERR_LEDGER_BAD_PROOF', `asked for ${id}, got ${tx.id}`);
    return { tx, height: a.height, logIndex: a.logIndex, checkpoint };
  }

  /**
   * A state key's value (or null), verified by its sparse-Merkle proof against a verified
   * checkpoint; `signed` is that checkpoint with its signatures, so the answer can be kept as
   * evidence and checked again offline.
   */
  async state<T = unknown>(
    key: string,
  ): Promise<{
    value: T | null;
    proof: StateProof;
    checkpoint: Checkpoint;
    signed: SignedCheckpoint;
  }> {
    const floor = this.#last ?? null;
    const a = await this.request<{
      value: unknown;
      proof: StateProof;
      checkpoint: SignedCheckpoint;
    }>('GET', `/v1/state?key=${encodeURIComponent(key)}`);
    const checkpoint = await this.acceptCheckpoint(a.checkpoint, { floor });
    const value = verifyStateAnswer(key, a, checkpoint) as T | null;
    return { value, proof: a.proof, checkpoint, signed: a.checkpoint };
  }

  /** A block: header, transaction ids, signatures and the transactions it records as invalid. */
  block(height: number): Promise<{
    height: number;
    hash: string;
    header: Record<string, unknown>;
    txIds: string[];
    signatures: unknown[];
    invalid: { id: string | null; position: number; code: string; message: string }[];
  }> {
    return this.request('GET', `/v1/blocks/${height}`);
  }

  /**
   * How final block `height` is, counted here: each signature the node lists is checked against
   * the organization keys in governance state (read with state proofs), and distinct member
   * organizations are counted against the governance quorum. A forged signature is not counted.
   * @throws ERR_LEDGER_NOT_FOUND (no such block), ERR_SDK_BAD_RESPONSE, and the codes of {@link state}
   * @example
   * const f = await client.finality(12); // f.status: 'pending' | 'final', f.signers: ['org1', …]
   */
  finality(height: number): Promise<VerifiedFinality> {
    return finalityOf(this, height);
  }

  /**
   * Waits until block `height` is final (see {@link finality}), asking every `pollMs` (250 ms).
   * @throws ERR_SDK_TIMEOUT after `timeoutMs` (30 s), and the codes of {@link finality} other than
   *   ERR_LEDGER_NOT_FOUND (a block not there yet is waited for)
   * @example
   * const receipt = await client.submit(tx);
   * await client.waitForFinality(receipt.height, { timeoutMs: 10_000 });
   */
  waitForFinality(height: number, options?: WaitForFinalityOptions): Promise<VerifiedFinality> {
    return waitForFinality(this, height, options);
  }

  /** The ordering the node takes part in: `{type:'solo'}`, or the NATS consortium's status. */
  consortium(): Promise<
    | { type: 'solo' }
    | {
        type: 'nats';
        stream: string;
        connected: boolean;
        org: string | null;
        member: boolean;
        appliedSeq: number;
        halted: { code: string; message: string; height?: number } | null;
        alarms: { badSignature: number; divergent: number; equivocation: number };
      }
  > {
    return this.request('GET', '/v1/consortium');
  }

  /** Adds an organization's cosignature to a checkpoint. */
  cosign(
    height: number,
    signature: { org: string; key: string; sig: string },
  ): Promise<SignedCheckpoint> {
    return this.request('POST', `/v1/checkpoints/${height}/signatures`, signature);
  }

  signedCheckpoint(height?: number): Promise<SignedCheckpoint> {
    return this.request(
      'GET',
      height === undefined ? '/v1/checkpoint' : `/v1/checkpoints/${height}`,
    );
  }

  /** The modules the node runs, with their kinds, queries (path and schemas) and error codes; fetched once. */
  modules(): Promise<ModuleList> {
    this.#modules ??= this.request<ModuleList>('GET', '/v1/modules').catch((err: unknown) => {
      this.#modules = undefined;
      throw err;
    });
    return this.#modules;
  }

  /**
   * Runs a module's query by name, as the node lists it at `/v1/modules`: fields of `input`
   * named in the path fill its parameters, the others go in the query string.
   * @throws ERR_SDK_NO_QUERY when the node runs no such query, ERR_SDK_QUERY_INPUT for a missing
   *   path parameter, or the node's error code
   * @example
   * const open = await client.query('gov', 'proposals', { status: 'open', limit: 10 });
   */
  async query<T = unknown>(
    namespace: string,
    name: string,
    input: Readonly<Record<string, string | number | boolean>> = {},
  ): Promise<T> {
    const q = (await this.modules()).modules
      .find((m) => m.namespace === namespace)
      ?.queries.find((x) => x.name === name);
    if (q === undefined)
      throw new AppError(
        'ERR_SDK_NO_QUERY',
        `the node at ${this.url} runs no query ${namespace}.${name}`,
      );
    const used = new Set<string>();
    const path = q.path.replace(/:([A-Za-z0-9_]+)/g, (_m, param: string) => {
      const v = input[param];
      if (v === undefined)
        throw new AppError(
          'ERR_SDK_QUERY_INPUT',
          `query ${namespace}.${name} needs "${param}" (path ${q.path})`,
        );
      used.add(param);
      return encodeURIComponent(String(v));
    });
    const rest = new URLSearchParams(
      Object.entries(input)
        .filter(([k]) => !used.has(k))
        .map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return this.request<T>('GET', rest === '' ? path : `${path}?${rest}`);
  }

  govOrgs(): Promise<{ quorum: number; orgs: { id: string; name: string; keys: string[] }[] }> {
    return this.request('GET', '/v1/gov/orgs');
  }

  govProposals(
    status?: 'open' | 'executed' | 'failed' | 'expired',
  ): Promise<{ proposals: unknown[]; next: string | null }> {
    return this.request(
      'GET',
      `/v1/gov/proposals${status === undefined ? '' : `?status=${status}`}`,
    );
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
    const { result, checkpoint } = await this.#provenDidAnswer<ResolutionResult>(
      didUrl,
      options,
      MEDIA.resolution,
      (r) => r.didResolutionMetadata,
    );
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
    if (dereferenceOf(didUrl, options as Record<string, string>).method === 'key')
      return dereferenceDidKeyLocally(didUrl, options);
    const { result, checkpoint } = await this.#provenDidAnswer<DereferencingResult>(
      didUrl,
      options,
      MEDIA.dereferencing,
      (r) => r.dereferencingMetadata,
    );
    return verifyRdidDereference(didUrl, options, result, checkpoint);
  }

  /**
   * One resolver exchange as a light client takes it: the answer must be proven (a success, a
   * deactivation or a proven absence), and its checkpoint trusted and consistent with what was
   * known when the request was sent.
   */
  async #provenDidAnswer<R>(
    didUrl: string,
    options: ResolveOptions,
    accept: string,
    metadataOf: (result: R) => Parameters<typeof isProvenAnswer>[1],
  ): Promise<{ result: R; checkpoint: Checkpoint }> {
    const floor = this.#last ?? null;
    const { status, json } = await this.#exchange(
      'GET',
      identifierPath(didUrl, options),
      undefined,
      accept,
    );
    const result = json as R | undefined;
    const metadata = result === undefined ? undefined : metadataOf(result);
    if (result === undefined || !isProvenAnswer(status, metadata))
      throw resolutionError(status, metadata);
    const checkpoint = await this.acceptCheckpoint(proofOf(metadata).checkpoint, { floor });
    return { result, checkpoint };
  }

  health(): Promise<{ status: string; chainId: string; height: number; pending: number }> {
    return this.request('GET', '/health');
  }
}
