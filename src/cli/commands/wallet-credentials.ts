/**
 * `realdid wallet prove` (the person's answer to the front office's challenge) and
 * `realdid wallet credentials …` (the real-name credential copies, one per site, each bound to
 * that site's pairwise key: list, get, refresh).
 */
import type { Command } from 'commander';
import { decodeSdJwtVc, SD_JWT_VC_TYP, verifySdJwt } from '../../credentials/index.ts';
import { toBase64url } from '../../crypto/index.ts';
import { authFragment, deriveMasterKey, derivePairwise, normalizeOrigin } from '../../did/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import {
  credentialVerifier,
  LedgerIssuerResolver,
  proveMasterDid,
  type RealdidClient,
} from '../../sdk/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { keepCopy, readCopies, type StoredCopy } from '../credential-store.ts';
import { output } from '../io.ts';
import type { UnlockedWallet } from '../wallet-file.ts';
import { unlockWalletOpts, type WalletOpts } from './wallet.ts';

/** A copy is refreshed when it has less than this left. */
export const REFRESH_BEFORE_SEC = 2 * 24 * 3600;

/** The wallet's current master DID key. @throws ERR_WALLET_NO_DID */
export function masterKey(w: UnlockedWallet) {
  if (w.file.did === undefined)
    throw new AppError(
      'ERR_WALLET_NO_DID',
      `${w.path} has no master DID yet (realdid wallet init / sync)`,
    );
  const key = deriveMasterKey(w.seed, 'auth', w.file.authIndex);
  return {
    did: w.file.did,
    kid: `${w.file.did}#${authFragment(w.file.authIndex)}`,
    keyPair: key.keyPair,
  };
}

/**
 * Checks a copy before keeping it: bound to the pairwise key it was asked for, signed by an issuer
 * the ledger shows accredited for its type (through proofs).
 * @throws ERR_VC_BAD_KEY, ERR_VC_BAD_SIGNATURE, ERR_VC_ISSUER_*
 */
async function checkCopy(
  issuers: LedgerIssuerResolver,
  credential: string,
  holder: Uint8Array,
): Promise<void> {
  const d = decodeSdJwtVc(credential);
  const cnf = (d.payload.cnf as { jwk?: { x?: unknown } } | undefined)?.jwk?.x;
  if (cnf !== toBase64url(holder))
    throw new AppError('ERR_VC_BAD_KEY', "the copy is not bound to this site's pairwise key");
  const { iss, vct, iat } = d.payload as { iss: string; vct: string; iat: number };
  const kid = typeof d.header.kid === 'string' ? d.header.kid : undefined;
  const verifier = await issuers.resolveIssuer(iss, kid, vct, iat);
  verifySdJwt(credential, { verifier, typ: SD_JWT_VC_TYP });
}

/** What obtaining copies needs from the node, looked up once per command. */
export interface Issuance {
  readonly client: RealdidClient;
  readonly authority: string;
  readonly issuers: LedgerIssuerResolver;
}

/** The node's authority and an issuer resolver, looked up once per command. */
export async function issuanceOf(client: RealdidClient): Promise<Issuance> {
  const authority = (await client.identity.authority()).did;
  return { client, authority, issuers: new LedgerIssuerResolver(client) };
}

/** Obtains a copy for `origin` from the node's authority and stores it (replacing the old one). */
export async function obtain(at: Issuance, w: UnlockedWallet, origin: string): Promise<StoredCopy> {
  const master = masterKey(w);
  const pairwise = derivePairwise(w.seed, origin);
  const { client, authority } = at;
  const c = await client.identity.requestCopy(authority, master, pairwise.keyPair);
  await checkCopy(at.issuers, c.credential, pairwise.keyPair.publicKey);
  const copy: StoredCopy = {
    origin: pairwise.origin,
    holder: pairwise.did,
    authority,
    credential: c.credential,
    iat: c.iat,
    exp: c.exp,
    status: c.status,
    obtained: Date.now(),
  };
  keepCopy(w.path, w.seed, copy);
  return copy;
}

/** The copy's status as its issuer's status list says: valid, revoked, or why it is unknown. */
export async function statusOf(
  client: RealdidClient,
  copies: readonly StoredCopy[],
): Promise<Map<StoredCopy, string>> {
  const verifier = credentialVerifier(client);
  const out = new Map<StoredCopy, string>();
  for (const c of copies) {
    try {
      const v = await verifier.status.statusOf(c.status, c.authority);
      out.set(c, v === 0 ? 'valid' : 'revoked');
    } catch (err) {
      out.set(c, isAppError(err) ? `unknown (${err.code})` : 'unknown');
    }
  }
  return out;
}

/** What is shown of a copy (never its SD-JWT): site, holder, issuer, times, status, claim names. */
export function copyView(c: StoredCopy, status: string | undefined, nowSec: number) {
  const claims = decodeSdJwtVc(c.credential).disclosures.map((d) => d.name);
  return {
    origin: c.origin,
    holder: c.holder,
    authority: c.authority,
    iat: c.iat,
    exp: c.exp,
    expired: c.exp <= nowSec,
    status: status ?? 'not checked',
    statusList: c.status,
    claims,
  };
}

/** Registers `realdid wallet prove` and `realdid wallet credentials [get|refresh]`. */
export function walletCredentialCommands(wallet: Command, common: (c: Command) => Command): void {
  common(wallet.command('prove'))
    .description(
      "prove control of the wallet's master DID to an identity authority (answers `realdid ia challenge`)",
    )
    .argument('<challenge>', "the authority's challenge")
    .requiredOption('--authority <did>', "the authority's DID (printed with the challenge)")
    .action(async (challenge: string, o: WalletOpts & { authority: string }) => {
      const w = await unlockWalletOpts(o);
      const proof = proveMasterDid(o.authority, challenge, masterKey(w));
      output(true, proof, () => '');
    });

  const credentials = common(nodeOptions(wallet.command('credentials')))
    .description(
      'real-name credential copies: one per site, bound to its pairwise key (list with expiry and status)',
    )
    .option('--offline', 'do not check status lists')
    .action(async (o: WalletOpts & NodeOpts & { offline?: boolean }) => {
      const w = await unlockWalletOpts(o);
      const copies = readCopies(w.path, w.seed);
      const statuses =
        o.offline === true || copies.length === 0
          ? new Map<StoredCopy, string>()
          : await statusOf(await connect(o), copies);
      const nowSec = Math.floor(Date.now() / 1000);
      const views = copies.map((c) => copyView(c, statuses.get(c), nowSec));
      output(o.json ?? false, { copies: views }, () =>
        views.length === 0
          ? 'no credential copies yet (realdid wallet credentials get <origin>)'
          : views
              .map(
                (v) =>
                  `${v.origin}  ${v.status}${v.expired ? ', expired' : ''}  expires ${new Date(v.exp * 1000).toISOString()}\n  holder ${v.holder}\n  claims ${v.claims.join(', ')}`,
              )
              .join('\n'),
      );
    });

  common(nodeOptions(credentials.command('get')))
    .description('obtain a copy for a site (bound to its pairwise key), unless a fresh one is held')
    .argument('<origin>', 'site origin, e.g. https://shop.example')
    .option('--force', 'obtain a new copy even if the one held is fresh')
    .action(async (origin: string, _o: unknown, cmd: Command) => {
      // the parent (`wallet credentials`) takes the same options: read them from both levels
      const o = cmd.optsWithGlobals<WalletOpts & NodeOpts & { force?: boolean }>();
      const normalized = normalizeOrigin(origin);
      const w = await unlockWalletOpts(o);
      const nowSec = Math.floor(Date.now() / 1000);
      const held = readCopies(w.path, w.seed).find((c) => c.origin === normalized);
      const fresh =
        held !== undefined && held.exp - nowSec > REFRESH_BEFORE_SEC && o.force !== true;
      const copy = fresh ? held : await obtain(await issuanceOf(await connect(o)), w, normalized);
      const v = copyView(copy, undefined, nowSec);
      output(
        o.json ?? false,
        { ...v, obtained: !fresh },
        () =>
          `${fresh ? 'held' : 'obtained'} a copy for ${v.origin}, expires ${new Date(v.exp * 1000).toISOString()}\n  holder ${v.holder}`,
      );
    });

  common(nodeOptions(credentials.command('refresh')))
    .description(
      'obtain new copies for every site whose copy expires within 2 days (or has expired)',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<WalletOpts & NodeOpts>();
      const w = await unlockWalletOpts(o);
      const nowSec = Math.floor(Date.now() / 1000);
      const due = readCopies(w.path, w.seed).filter((c) => c.exp - nowSec <= REFRESH_BEFORE_SEC);
      const refreshed: string[] = [];
      if (due.length > 0) {
        const at = await issuanceOf(await connect(o));
        for (const c of due) refreshed.push((await obtain(at, w, c.origin)).origin);
      }
      output(o.json ?? false, { refreshed }, () =>
        refreshed.length === 0 ? 'every copy is fresh' : `refreshed ${refreshed.join(', ')}`,
      );
    });
}
