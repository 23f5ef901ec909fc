import {
  canonicalBytes,
  decodeMultikey,
  fromHex,
  sha256,
  toBase58btc,
  toHex,
} from '../crypto/index.ts';
import { readJson, type StateReader } from '../ledger/index.ts';
import type { DidRecord, DocumentSpec } from './document.ts';
import { methodsFor } from './document.ts';
import { parseDidUrl, parseRdid } from './syntax.ts';

/** State keys of the DID module (namespace `did`). */
export const DID_KEYS = {
  current: (id: string) => `did/doc/${id}`,
  version: (id: string, version: number) => `did/ver/${id}/${version}`,
} as const;

/**
 * The self-certifying id of a DID: base58btc of SHA-256 over the canonical initial state
 * `{document, recoveryCommitment}`. Whoever creates it must hold the initial key, and no one
 * can create a different document under the same id.
 */
export function rdidFor(document: DocumentSpec, recoveryCommitment: string): string {
  return `did:rdid:${toBase58btc(sha256(canonicalBytes({ document, recoveryCommitment })))}`;
}

/** Commitment to a recovery key: hex SHA-256 of its 32-byte public key. */
export function recoveryCommitmentOf(multikey: string): string {
  return toHex(sha256(decodeMultikey(multikey)));
}

/** Does `multikey` open `commitment`? */
export function opensCommitment(multikey: string, commitment: string): boolean {
  return (
    commitment !== '' &&
    toHex(sha256(decodeMultikey(multikey))) === commitment &&
    fromHex(commitment).length === 32
  );
}

/** The current record of a did:rdid (including a deactivated one), or undefined. */
export function currentRecord(state: StateReader, did: string): DidRecord | undefined {
  return readJson<DidRecord>(state, DID_KEYS.current(parseRdid(did)));
}

/** A superseded version's record. */
export function versionRecord(
  state: StateReader,
  did: string,
  version: number,
): DidRecord | undefined {
  return readJson<DidRecord>(state, DID_KEYS.version(parseRdid(did), version));
}

/**
 * Key resolver the ledger core uses for did:rdid signers: the key named by the URL fragment,
 * if the DID is active and lists it under `authentication`. A rotated-out key resolves to
 * nothing from the block that removed it.
 */
export function resolveRdidKey(state: StateReader, didUrl: string): Uint8Array | undefined {
  let url;
  try {
    url = parseDidUrl(didUrl);
    if (url.fragment === undefined || url.path !== undefined || Object.keys(url.params).length > 0)
      return undefined;
    parseRdid(url.did);
  } catch {
    return undefined; // not a did:rdid key URL: "no key" for the core, which reports ERR_LEDGER_BAD_SIGNER
  }
  const keys = signingKeysOf(state, url.id);
  const multibase = keys?.deactivated === false ? keys.authentication.get(url.fragment) : undefined;
  return multibase === undefined ? undefined : decodeMultikey(multibase);
}

/** What signing checks read of a DID record: its state, and its keys by fragment. */
interface SigningKeys {
  readonly deactivated: boolean;
  /** `authentication` methods: fragment → publicKeyMultibase. */
  readonly authentication: ReadonlyMap<string, string>;
  /** Fragments of the `capabilityInvocation` methods. */
  readonly invocation: ReadonlySet<string>;
}

/**
 * Signing keys parsed per record text (the state value), so that a signer's transactions do not
 * parse its document each time. Pure: the answer depends on the text alone.
 */
const signingKeysByText = new Map<string, SigningKeys>();
const MAX_SIGNING_KEYS = 4096;

function signingKeysOf(state: StateReader, id: string): SigningKeys | undefined {
  const text = state.get(DID_KEYS.current(id));
  if (text === undefined) return undefined;
  let keys = signingKeysByText.get(text);
  if (keys === undefined) {
    const { document, deactivated } = JSON.parse(text) as DidRecord;
    keys = {
      deactivated: deactivated === true,
      authentication: new Map(
        methodsFor(document, 'authentication').map((m) => [m.id, m.publicKeyMultibase]),
      ),
      invocation: new Set(methodsFor(document, 'capabilityInvocation').map((m) => m.id)),
    };
    if (signingKeysByText.size >= MAX_SIGNING_KEYS) signingKeysByText.clear();
    signingKeysByText.set(text, keys);
  }
  return keys;
}

/** Is `fragment` a `capabilityInvocation` method of the did:rdid `did` (deactivated or not)? */
export function isInvocationKey(state: StateReader, did: string, fragment: string): boolean {
  return signingKeysOf(state, parseRdid(did))?.invocation.has(fragment) === true;
}
