/**
 * Sites (relying parties) through the ledger: a site's registration as proven governance state
 * (what a wallet checks before it shows a login request, and a verifier before it accepts one),
 * and disclosure events (`idn.disclosure`): a site records that it invoked a disclosure policy,
 * anyone reads one back by its receipt hash with its proof, or counts them per site and policy.
 */
import { sha256, toHex, utf8, type Ed25519KeyPair } from '../crypto/index.ts';
import { AppError } from '../errors.ts';
import { GOV_KEYS, type RoleGrant, type SiteTerms } from '../governance/index.ts';
import type { RealdidClient, Receipt } from './client.ts';
import { TtlCache } from './ttl-cache.ts';

const SITE_ROLE = 'relying-party';
const HEX32 = /^[0-9a-f]{64}$/;
/** The identity module's state key of a disclosure (the SDK does not import identity/). */
const disclosureKey = (receipt: string): string => `idn/disclosure/${receipt}`;

/** A site's registration as governance holds it. */
export interface SiteRegistration {
  readonly did: string;
  /** The display name wallets show. */
  readonly name: string;
  readonly site: SiteTerms;
  /** Block time of the accreditation, and the proposal that granted it (or "genesis"). */
  readonly since: number;
  readonly grantedBy: string;
}

/** A proven state answer without its value: the proof and the checkpoint it was checked against. */
export type StateEvidence = Omit<Awaited<ReturnType<RealdidClient['state']>>, 'value'>;

/** A disclosure event as the ledger recorded it, with the proof that it did. */
export interface VerifiedDisclosure {
  /** The SHA-256 (hex) of the consent receipt JWS. */
  readonly receipt: string;
  readonly site: string;
  readonly policy: string;
  /** Block time and height of the block that recorded it. */
  readonly time: number;
  readonly height: number;
  readonly evidence: StateEvidence;
}

/** How often a site invoked one of its policies. */
export interface DisclosureCount {
  readonly site: string;
  readonly policy: string;
  readonly count: number;
}

/** The key that signs a site's ledger transactions: a `capabilityInvocation` key of its DID. */
export interface SiteSigner {
  readonly did: string;
  /** The key's DID URL (`<did>#site`) or its fragment. */
  readonly kid: string;
  readonly keyPair: Ed25519KeyPair;
}

function notRegistered(did: string, why: string): AppError {
  return new AppError('ERR_IDENTITY_SITE_NOT_REGISTERED', `${did} ${why}`);
}

/**
 * A site's registration, as proven governance state: the `relying-party` accreditation of `did`,
 * verified by its state proof against a checkpoint the client accepts (trusted signatures,
 * consistent with what it saw before), like {@link LedgerIssuerResolver} for issuers.
 * @throws ERR_IDENTITY_SITE_NOT_REGISTERED (proven: never registered, or revoked),
 *   ERR_LEDGER_BAD_PROOF, ERR_LEDGER_BAD_CHECKPOINT, the client's checkpoint codes
 * @example
 * const reg = await verifiedSite(client, 'did:rdid:…');
 * reg.site.origins[0]; // the origin the person's pairwise key is derived from
 */
export async function verifiedSite(client: RealdidClient, did: string): Promise<SiteRegistration> {
  if (!did.startsWith('did:rdid:')) throw notRegistered(did, 'is not a did:rdid');
  const { value } = await client.state<RoleGrant>(GOV_KEYS.role(SITE_ROLE, did));
  if (value === null) throw notRegistered(did, 'is not a registered relying party');
  if (value.role !== SITE_ROLE || value.subject !== did || value.site === undefined)
    throw new AppError('ERR_LEDGER_BAD_PROOF', `the proven registration of ${did} is not its own`);
  return {
    did,
    name: value.name,
    site: value.site,
    since: value.since,
    grantedBy: value.grantedBy,
  };
}

/**
 * The site registered for a web origin, as proven state: the origin index entry and then the
 * registration (which must list the origin).
 * @throws ERR_IDENTITY_ORIGIN_NOT_REGISTERED (proven: no site holds it), the codes of {@link verifiedSite}
 */
export async function verifiedSiteOfOrigin(
  client: RealdidClient,
  origin: string,
): Promise<SiteRegistration> {
  const { value: did } = await client.state<string>(GOV_KEYS.siteOrigin(origin));
  if (did === null)
    throw new AppError('ERR_IDENTITY_ORIGIN_NOT_REGISTERED', `no site is registered for ${origin}`);
  const reg = await verifiedSite(client, did);
  if (!reg.site.origins.includes(origin))
    throw new AppError(
      'ERR_IDENTITY_ORIGIN_NOT_REGISTERED',
      `${origin} stays reserved to ${did}, which no longer lists it among its origins`,
    );
  return reg;
}

/**
 * Proven site registrations, cached for `cacheSec` (default 60 s) with one lookup in flight per
 * site however many logins wait for it: a verifier calls {@link SiteRegistry.get} per login.
 * A refused lookup (not registered) is not cached, so a new registration counts at once.
 */
export class SiteRegistry {
  readonly #client: RealdidClient;
  readonly #cache: TtlCache<SiteRegistration>;

  constructor(
    client: RealdidClient,
    o: { readonly cacheSec?: number; readonly maxEntries?: number } = {},
  ) {
    this.#client = client;
    this.#cache = new TtlCache({
      ttlMs: (o.cacheSec ?? 60) * 1000,
      ...(o.maxEntries === undefined ? {} : { maxEntries: o.maxEntries }),
    });
  }

  /** The site's registration (see {@link verifiedSite}). @throws the codes of verifiedSite */
  get(did: string): Promise<SiteRegistration> {
    return this.#cache.get(did, () => verifiedSite(this.#client, did));
  }

  /** Forgets a cached registration (e.g. once a login failed because it changed). */
  forget(did: string): void {
    this.#cache.delete(did);
  }
}

/** The hash the ledger records for a consent receipt: hex SHA-256 of the compact JWS's UTF-8 bytes. */
export function consentReceiptHash(receiptJws: string): string {
  return toHex(sha256(utf8(receiptJws)));
}

function assertReceiptHash(receipt: string): void {
  if (!HEX32.test(receipt))
    throw new TypeError(
      `"receipt" must be 64 lower-case hex digits, got ${JSON.stringify(receipt)}`,
    );
}

/**
 * Records a disclosure event: the site signs `idn.disclosure` `{policy, receipt}` with a
 * `capabilityInvocation` key of its DID and waits for the commit.
 * @param receiptHashHex {@link consentReceiptHash} of the person's consent receipt
 * @throws TypeError for a malformed hash; ERR_IDENTITY_SITE_NOT_REGISTERED,
 *   ERR_IDENTITY_POLICY_NOT_REGISTERED, ERR_IDENTITY_DISCLOSURE_RECORDED, ERR_LEDGER_UNAUTHORIZED
 *   (not a capabilityInvocation key), the node's submission codes
 */
export function recordDisclosure(
  client: RealdidClient,
  signer: SiteSigner,
  policy: string,
  receiptHashHex: string,
): Promise<Receipt> {
  assertReceiptHash(receiptHashHex);
  const kid = signer.kid.startsWith('did:')
    ? signer.kid
    : `${signer.did}#${signer.kid.replace(/^#/, '')}`;
  if (!kid.startsWith(`${signer.did}#`))
    throw new TypeError(`"kid" ${signer.kid} is not a key of ${signer.did}`);
  return client.signAndSubmit(signer.keyPair, kid, 'idn.disclosure', {
    policy,
    receipt: receiptHashHex,
  });
}

/**
 * The disclosure recorded for a receipt hash, verified by its state proof against an accepted
 * checkpoint; undefined when the ledger proves there is none.
 * @throws TypeError for a malformed hash; ERR_LEDGER_BAD_PROOF, the client's checkpoint codes
 */
export async function disclosure(
  client: RealdidClient,
  receiptHashHex: string,
): Promise<VerifiedDisclosure | undefined> {
  assertReceiptHash(receiptHashHex);
  const { value, ...evidence } = await client.state<
    Omit<VerifiedDisclosure, 'receipt' | 'evidence'>
  >(disclosureKey(receiptHashHex));
  if (value === null) return undefined;
  return {
    receipt: receiptHashHex,
    site: value.site,
    policy: value.policy,
    time: value.time,
    height: value.height,
    evidence,
  };
}

/**
 * How often each site invoked each of its policies (all pages), optionally for one site: public
 * statistics as the node reports them (query `idn.disclosure-counts`). To prove one count, read
 * its state key `idn/disclosure-count/<site>/<policy>` with `client.state`.
 */
export async function disclosureCounts(
  client: RealdidClient,
  site?: string,
): Promise<DisclosureCount[]> {
  const all: DisclosureCount[] = [];
  let after: string | null | undefined;
  do {
    const page = await client.query<{ counts: DisclosureCount[]; next: string | null }>(
      'idn',
      'disclosure-counts',
      {
        limit: 500,
        ...(site === undefined ? {} : { site }),
        ...(after === undefined || after === null ? {} : { after }),
      },
    );
    all.push(...page.counts);
    after = page.next;
  } while (after !== null);
  return all;
}
