/**
 * Sites (relying parties) for the governance, identity and SDK tests: a did:rdid whose document has
 * `#site` (authentication, assertionMethod, capabilityInvocation) and `#login` (authentication
 * only), created on a {@link TestLedger}; site terms and the governance changes that register them.
 */
import {
  ed25519FromSeed,
  encodeMultikey,
  sha256,
  utf8,
  type Ed25519KeyPair,
  type JsonValue,
} from '../../src/crypto/index.ts';
import { rdidFor, recoveryCommitmentOf, type DocumentSpec } from '../../src/did/index.ts';
import type { SiteTerms } from '../../src/governance/index.ts';
import type { TestLedger } from './ledger.ts';

/** A site's DID with its two keys. */
export interface TestSite {
  readonly did: string;
  /** `#site`: may sign ledger transactions (capabilityInvocation). */
  readonly kid: string;
  readonly keyPair: Ed25519KeyPair;
  /** `#login`: authentication only (signs request objects, never transactions). */
  readonly loginKid: string;
  readonly loginKeyPair: Ed25519KeyPair;
  /** The `did.create` body. */
  readonly create: { did: string; document: DocumentSpec; recoveryCommitment: string };
}

const keyOf = (label: string): Ed25519KeyPair => ed25519FromSeed(sha256(utf8(label)));

/** A site from a label (deterministic keys); not yet on any ledger. */
export function makeSite(label: string): TestSite {
  const keyPair = keyOf(`site ${label} key`);
  const loginKeyPair = keyOf(`site ${label} login`);
  const mk = encodeMultikey(keyPair.publicKey);
  const document: DocumentSpec = {
    verificationMethod: [
      { id: 'site', type: 'Multikey', publicKeyMultibase: mk },
      { id: 'login', type: 'Multikey', publicKeyMultibase: encodeMultikey(loginKeyPair.publicKey) },
    ],
    authentication: ['site', 'login'],
    assertionMethod: ['site'],
    capabilityInvocation: ['site'],
  };
  const recoveryCommitment = recoveryCommitmentOf(
    encodeMultikey(keyOf(`site ${label} recovery`).publicKey),
  );
  const did = rdidFor(document, recoveryCommitment);
  return {
    did,
    kid: `${did}#site`,
    keyPair,
    loginKid: `${did}#login`,
    loginKeyPair,
    create: { did, document, recoveryCommitment },
  };
}

/** Creates the site's DID on the ledger (`did.create` signed by the did:key of `#site`). */
export async function createSite(l: TestLedger, label: string): Promise<TestSite> {
  const site = makeSite(label);
  const mk = encodeMultikey(site.keyPair.publicKey);
  await l.submitOk(0, 'did.create', site.create, {
    signer: `did:key:${mk}#${mk}`,
    keyPair: site.keyPair,
  });
  return site;
}

/** Site terms with one login purpose and, by default, one disclosure policy. */
export function siteTerms(origins: readonly string[], o: { policy?: boolean } = {}): SiteTerms {
  const policy = o.policy ?? true;
  return {
    origins: [...origins],
    purposes: [
      {
        id: 'login',
        description: 'Log in and show that you are of age',
        claims: ['age_over_18'],
        ...(policy ? { policies: ['creator-real-name'] } : {}),
      },
    ],
    ...(policy
      ? {
          policies: [
            {
              id: 'creator-real-name',
              description: 'Creators with many followers must show their real name',
              legalBasis: 'Example Act §12',
              claims: ['given_name', 'family_name'],
              condition: 'followers > 500000',
            },
          ],
        }
      : {}),
  };
}

/** The `accredit` change registering `did` as a relying party with `site` terms. */
export function accreditSite(
  did: string,
  site: SiteTerms,
  name = 'Test Site',
): { type: 'accredit'; grant: JsonValue } {
  return {
    type: 'accredit',
    grant: { role: 'relying-party', subject: did, name, scope: {}, site },
  };
}
