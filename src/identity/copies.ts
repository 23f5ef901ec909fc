/**
 * Credential copies: what one copy of the real-name credential holds, and how it is planned
 * (recorded in the vault before it is signed) and signed. Each copy is bound to one holder key, has
 * its own salts (the library draws them), its own random status index and a coarse `iat` that
 * differs from the person's other copies.
 */
import { randomInt } from 'node:crypto';
import { issueSdJwtVc, jwkOfEd25519, REAL_NAME_VCT, type JwsSigner } from '../credentials/index.ts';
import { AppError } from '../errors.ts';
import { roleHistory } from '../governance/index.ts';
import type { ChainView, SecretStore } from '../ledger/index.ts';
import { ageOn } from './person.ts';
import {
  copiesOf,
  recordHolder,
  VAULT_ROWS,
  writeJsonRow,
  type ListsRecord,
  type PersonRecord,
} from './records.ts';
import type { StatusLists } from './status-lists.ts';

/** Minutes a credential's `iat` is set back at random (so it tells nothing precise). */
const IAT_JITTER_MINUTES = 24 * 60;
/**
 * Unexpired copies one binding may hold by default (a person's sites in a week, with room to
 * spare). Bounded, at most {@link MAX_COPIES_LIMIT}, so that a stolen wallet cannot pile up more
 * copies than one re-binding or revocation can revoke (4096 flips per transaction).
 */
export const MAX_UNEXPIRED_COPIES = 256;
export const MAX_COPIES_LIMIT = 4000;
/** Expired copies are forgotten after this long (their indices stay taken). */
const KEEP_EXPIRED_SEC = 30 * 24 * 3600;

/** An issued copy, as the wallet receives it. */
export interface IssuedCopy {
  readonly credential: string;
  readonly iat: number;
  readonly exp: number;
  readonly status: { readonly idx: number; readonly uri: string };
}

/** A copy recorded in the vault, to be signed. */
export interface PlannedCopy {
  readonly record: PersonRecord;
  readonly list: string;
  readonly idx: number;
  readonly iat: number;
  readonly exp: number;
}

/**
 * Decides and records a copy in one vault transaction (no await inside): its list, a random free
 * index and its `iat`. A copy recorded but never signed only costs an unused index.
 * @throws ERR_IDENTITY_COPY_LIMIT
 */
export function planCopy(
  vault: SecretStore,
  lists: StatusLists,
  o: {
    tag: string;
    /** The holder key, as a did:key. */
    holder: string;
    record: PersonRecord;
    list: ListsRecord;
    authority: string;
    lifetimeSec: number;
    maxCopies: number;
    chain: ChainView;
  },
): PlannedCopy {
  const nowSec = Math.floor(Date.now() / 1000);
  return vault.transaction(() => {
    const kept = copiesOf(vault, o.tag).filter((c) => c.exp > nowSec - KEEP_EXPIRED_SEC);
    if (kept.filter((c) => c.exp > nowSec).length >= o.maxCopies)
      throw new AppError(
        'ERR_IDENTITY_COPY_LIMIT',
        `this binding holds ${o.maxCopies} unexpired copies already; use them or wait until some expire`,
      );
    const from = roleHistory(o.chain.state, 'identity-authority', o.authority).at(-1)?.from ?? 0;
    const iat = coarseIat(nowSec, from, new Set(kept.map((c) => c.iat)));
    const exp = iat + o.lifetimeSec;
    const idx = lists.allocate(o.list);
    writeJsonRow(vault, VAULT_ROWS.copies(o.tag), [
      ...kept,
      { list: o.list.current, idx, iat, exp, holder: o.holder },
    ]);
    recordHolder(vault, o.tag, o.holder);
    return { record: o.record, list: o.list.current, idx, iat, exp };
  });
}

/** Signs a planned copy (SD-JWT VC, `@sd-jwt/sd-jwt-vc`), bound to `holder` (a raw Ed25519 key). */
export async function signCopy(
  p: PlannedCopy,
  o: { did: string; signer: JwsSigner; holder: Uint8Array; uri: string; today: string },
): Promise<IssuedCopy> {
  const r = p.record;
  const age = ageOn(r.birthdate, o.today);
  const credential = await issueSdJwtVc({
    issuer: { did: o.did, signer: o.signer },
    vct: REAL_NAME_VCT,
    iat: p.iat,
    exp: p.exp,
    visible: { real_name_verified: true },
    disclosable: {
      family_name: r.familyName,
      given_name: r.givenName,
      birthdate: r.birthdate,
      nationality: r.nationality,
      region: r.region,
      age_over_14: age >= 14,
      age_over_16: age >= 16,
      age_over_18: age >= 18,
      age_over_60: age >= 60,
    },
    holder: jwkOfEd25519(o.holder),
    status: { idx: p.idx, uri: o.uri },
  });
  return { credential, iat: p.iat, exp: p.exp, status: { idx: p.idx, uri: o.uri } };
}

/**
 * A coarse, unrevealing `iat`: the current minute set back by a random number of minutes (up to a
 * day), never before the authority's accreditation (`from`, ms), and not one in `used` (an
 * authority accredited minutes ago falls back to whole seconds).
 */
export function coarseIat(nowSec: number, from: number, used: ReadonlySet<number>): number {
  const minute = nowSec - (nowSec % 60);
  const earliestSec = Math.ceil(from / 1000);
  const earliestMinute = Math.ceil(earliestSec / 60) * 60; // the accreditation's first whole minute
  if (minute >= earliestMinute) {
    const span = Math.min(IAT_JITTER_MINUTES, (minute - earliestMinute) / 60 + 1);
    for (let i = 0; i < 64; i++) {
      const iat = minute - 60 * randomInt(0, span);
      if (!used.has(iat)) return iat;
    }
  }
  // Accredited within this minute, or every minute since is used: a free second since accreditation.
  for (let iat = nowSec; iat >= earliestSec; iat--) if (!used.has(iat)) return iat;
  return nowSec;
}
