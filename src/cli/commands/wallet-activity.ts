/**
 * `realdid wallet activity`: everything concerning the person, in one list — enrollment and
 * re-bindings, credential copies issued and revoked, logins (from the wallet's own log),
 * disclosures with their consent receipts, lawful de-anonymization requests with approvals and
 * outcome. Each ledger event comes with its state proof, checked against a signed checkpoint and
 * kept in the wallet's activity log, so the person holds evidence, not just a list.
 */
import type { Command } from 'commander';
import { IDN_KEYS, type Binding, type MasterRecord } from '../../identity/index.ts';
import { noticesFor, type RealdidClient, type StateEvidence } from '../../sdk/index.ts';
import {
  keepEvidence,
  readActivity,
  type Evidence,
  type PresentationEntry,
} from '../activity-log.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { readCopies, type StoredCopy } from '../credential-store.ts';
import { output } from '../io.ts';
import type { UnlockedWallet } from '../wallet-file.ts';
import { statusOf } from './wallet-credentials.ts';
import { unlockWalletOpts, type WalletOpts } from './wallet.ts';

/** What backs a proven state value: the key, the checkpoint height, the organizations that signed it. */
export interface EvidenceRef {
  readonly key: string;
  readonly height: number;
  readonly signers: string[];
}

/** One line of the person's activity. */
export interface ActivityItem {
  /** Wall-clock or block time, ms. */
  readonly time: number;
  readonly kind:
    | 'enrollment'
    | 'rebinding'
    | 'revocation'
    | 'credential'
    | 'login'
    | 'disclosure'
    | 'lawful-request';
  readonly text: string;
  readonly details: Record<string, unknown>;
  /** The state key whose proof backs it, and the checkpoint height it was checked against. */
  readonly evidence?: EvidenceRef;
}

/** A state value the SDK proved, and what backs it. */
export interface Proven<T> {
  readonly value: T;
  readonly ref: EvidenceRef;
}

/** The reference of evidence the SDK proved for `key`. */
export const evidenceRef = (key: string, e: StateEvidence): EvidenceRef => ({
  key,
  height: e.checkpoint.height,
  signers: e.signed.signatures.map((s) => s.org),
});

/** Reads proven state and collects what it proved as evidence (to keep in the activity log). */
export class Collector {
  readonly evidence: Evidence[] = [];
  readonly client: RealdidClient;
  constructor(client: RealdidClient) {
    this.client = client;
  }

  /** Keeps evidence the SDK already proved. */
  keep(kind: string, key: string, value: unknown, e: StateEvidence): EvidenceRef {
    this.evidence.push({
      kind,
      key,
      value,
      proof: e.proof,
      checkpoint: e.signed,
      checked: Date.now(),
    });
    return evidenceRef(key, e);
  }

  /** Proven state at `key` (null: proven absent), collected when present. */
  async read<T>(kind: string, key: string): Promise<Proven<T | null>> {
    const { value, ...e } = await this.client.state<T>(key);
    return { value, ref: value === null ? evidenceRef(key, e) : this.keep(kind, key, value, e) };
  }

  /** Proven state at `key`, collected; undefined when the proof shows it absent. */
  async get<T>(kind: string, key: string): Promise<Proven<T> | undefined> {
    const { value, ref } = await this.read<T>(kind, key);
    return value === null ? undefined : { value, ref };
  }
}

/**
 * The real-name enrollment of the master DID `did`, as the ledger proves it: its master record
 * (null: proven not enrolled) and, when enrolled, the binding at the authority (null: absent).
 * @throws ERR_LEDGER_BAD_PROOF, the checkpoint codes, ERR_SDK_HTTP
 */
export async function readEnrollment(
  c: Collector,
  did: string,
): Promise<{
  master: Proven<MasterRecord | null>;
  binding?: Proven<Binding | null>;
}> {
  const master = await c.read<MasterRecord>('master', IDN_KEYS.master(did));
  if (master.value === null) return { master };
  const { authority, tag } = master.value;
  return { master, binding: await c.read<Binding>('binding', IDN_KEYS.binding(authority, tag)) };
}

async function bindingItems(c: Collector, w: UnlockedWallet): Promise<ActivityItem[]> {
  const did = w.file.did;
  if (did === undefined) return [];
  const { master, binding } = await readEnrollment(c, did);
  const m = master.value;
  if (m === null) return [];
  const items: ActivityItem[] = [
    {
      time: m.since,
      kind: 'enrollment',
      text: `master DID ${did} bound to your real name at ${m.authority} (${m.status})`,
      details: { did, authority: m.authority, status: m.status, since: m.since, until: m.until },
      evidence: master.ref,
    },
  ];
  if (binding === undefined || binding.value === null) return items;
  const b = binding.value;
  if (b.rebinds > 0)
    items.push({
      time: b.updated,
      kind: 'rebinding',
      text: `re-bound to a new master DID ${b.rebinds} time(s); enrolled ${new Date(b.enrolled).toISOString()}`,
      details: { ...b },
      evidence: binding.ref,
    });
  if (b.status === 'revoked')
    items.push({
      time: b.updated,
      kind: 'revocation',
      text: `the real-name binding was revoked by ${b.authority}`,
      details: { ...b },
      evidence: binding.ref,
    });
  return items;
}

async function copyItems(
  client: RealdidClient,
  copies: readonly StoredCopy[],
): Promise<ActivityItem[]> {
  const statuses =
    copies.length === 0 ? new Map<StoredCopy, string>() : await statusOf(client, copies);
  return copies.map((c) => ({
    time: c.iat * 1000,
    kind: 'credential' as const,
    text: `credential copy for ${c.origin}: ${statuses.get(c) ?? 'not checked'}, expires ${new Date(c.exp * 1000).toISOString()}`,
    details: {
      origin: c.origin,
      holder: c.holder,
      authority: c.authority,
      iat: c.iat,
      exp: c.exp,
      status: statuses.get(c),
    },
  }));
}

function loginItem(p: PresentationEntry): ActivityItem {
  const what =
    p.outcome === 'sent'
      ? `showed ${p.claims.length === 0 ? 'no claims' : p.claims.join(', ')}`
      : p.outcome === 'declined'
        ? 'you declined'
        : `refused (${p.code ?? 'error'})`;
  return {
    time: p.time,
    kind: 'login',
    text: `login to ${p.siteName || p.site} for ${p.purpose || '?'}: ${what}`,
    details: { ...p, receipt: undefined },
  };
}

async function disclosureItems(
  c: Collector,
  log: readonly PresentationEntry[],
): Promise<ActivityItem[]> {
  const out: ActivityItem[] = [];
  for (const p of log) {
    if (p.receiptHash === undefined || p.outcome !== 'sent') continue;
    const ev = await c.get<{ site: string; policy: string; time: number; height: number }>(
      'disclosure',
      IDN_KEYS.disclosure(p.receiptHash),
    );
    out.push({
      time: ev?.value.time ?? p.time,
      kind: 'disclosure',
      text: `${p.claims.join(', ')} disclosed to ${p.siteName} under policy ${p.policy?.id ?? '?'}: ${ev === undefined ? 'NOT recorded on the ledger' : `recorded at height ${ev.value.height}`}`,
      details: {
        site: p.site,
        siteName: p.siteName,
        account: p.account,
        claims: p.claims,
        policy: p.policy,
        receiptHash: p.receiptHash,
        receipt: p.receipt,
        recorded: ev !== undefined,
      },
      ...(ev === undefined ? {} : { evidence: ev.ref }),
    });
  }
  return out;
}

/** The lawful requests whose notices name one of the wallet's pseudonyms (found by local matching). */
async function lawfulItems(c: Collector, pseudonyms: readonly string[]): Promise<ActivityItem[]> {
  if (pseudonyms.length === 0) return [];
  const matches = await noticesFor(c.client, pseudonyms);
  return matches.map((m) => {
    const r = m.request.value;
    c.keep('lawful-notice', m.notice.key, m.notice.value, m.notice.evidence);
    const outcome =
      r.outcome === undefined
        ? ''
        : `; outcome ${r.outcome.result} at ${new Date(r.outcome.time).toISOString()}`;
    return {
      time: r.created,
      kind: 'lawful-request' as const,
      text: `lawful request by ${r.requester} to ${r.authority} to identify your account ${m.pairwiseDid} at ${r.site}, citing "${r.basis}": ${r.status}, ${r.approvals.length} approval(s), ${r.refusals.length} refusal(s)${outcome}; you were notified at ${new Date(m.notice.value.time).toISOString()}`,
      details: { pairwiseDid: m.pairwiseDid, ...r },
      evidence: c.keep('lawful-request', m.request.key, r, m.request.evidence),
    };
  });
}

/** The wallet's pseudonyms: the holders of its copies and the accounts it logged in with. */
function pseudonymsOf(copies: readonly StoredCopy[], log: readonly PresentationEntry[]): string[] {
  return [
    ...new Set([
      ...copies.map((x) => x.holder),
      ...log.map((p) => p.account).filter((a) => a !== ''),
    ]),
  ];
}

/** Gathers the activity, keeps the evidence in the log. */
export async function gatherActivity(
  client: RealdidClient,
  w: UnlockedWallet,
): Promise<ActivityItem[]> {
  const c = new Collector(client);
  const log = readActivity(w.path, w.seed);
  const copies = readCopies(w.path, w.seed);
  const items = [
    ...(await bindingItems(c, w)),
    ...(await copyItems(client, copies)),
    ...log.presentations.map(loginItem),
    ...(await disclosureItems(c, log.presentations)),
    ...(await lawfulItems(c, pseudonymsOf(copies, log.presentations))),
  ];
  keepEvidence(w.path, w.seed, c.evidence);
  return items.sort((a, b) => a.time - b.time);
}

/** The lawful requests concerning the person only (the part of {@link gatherActivity}), evidence kept. */
export async function gatherLawful(
  client: RealdidClient,
  w: UnlockedWallet,
): Promise<ActivityItem[]> {
  const c = new Collector(client);
  const log = readActivity(w.path, w.seed);
  const items = await lawfulItems(c, pseudonymsOf(readCopies(w.path, w.seed), log.presentations));
  keepEvidence(w.path, w.seed, c.evidence);
  return items.sort((a, b) => a.time - b.time);
}

/** Registers `realdid wallet activity`. */
export function walletActivityCommands(wallet: Command, common: (c: Command) => Command): void {
  common(nodeOptions(wallet.command('activity')))
    .description(
      'everything concerning you: enrollment, re-bindings, credentials, logins, disclosures, lawful requests; ledger events with checked proofs (kept in the wallet)',
    )
    .action(async (o: WalletOpts & NodeOpts) => {
      const w = await unlockWalletOpts(o);
      const items = await gatherActivity(await connect(o), w);
      output(o.json ?? false, { items }, () =>
        items.length === 0
          ? 'no activity yet'
          : items
              .map(
                (i) =>
                  `${new Date(i.time).toISOString()}  ${i.kind}  ${i.text}${i.evidence === undefined ? '' : `\n  proof: ${i.evidence.key} checked against checkpoint ${i.evidence.height} signed by ${i.evidence.signers.join(', ')}`}`,
              )
              .join('\n'),
      );
    });
}
