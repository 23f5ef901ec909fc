/**
 * Disclosure events (`idn.disclosure`): a registered site records on the ledger that it invoked
 * one of its disclosure policies and got the person's consent receipt. The ledger holds the
 * receipt's hash, the policy id, the site and the time, never who disclosed what: anyone can count
 * how often each site invoked each policy, and the person can prove what they agreed to.
 */
import { Type, type Static } from '@sinclair/typebox';
import { requireInvocationKey } from '../did/index.ts';
import { AppError } from '../errors.ts';
import { getRole, TermId } from '../governance/index.ts';
import {
  readJson,
  type ModuleQuery,
  type QueryState,
  type StateReader,
  type TxContext,
  type TxKind,
} from '../ledger/index.ts';
import { IDN_KEYS, RDID_PATTERN } from './state.ts';

const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** `idn.disclosure`: the site invoked `policy`; `receipt` is the SHA-256 (hex) of the consent receipt JWS. */
export const DisclosureBody = Type.Object(
  { policy: TermId, receipt: Hex32 },
  { additionalProperties: false },
);
export type DisclosureBody = Static<typeof DisclosureBody>;

/** A disclosure as recorded: no personal data, only the site, the policy and when. */
export interface DisclosureRecord {
  readonly site: string;
  readonly policy: string;
  /** Block time and height of the block that recorded it. */
  readonly time: number;
  readonly height: number;
}

/** The disclosure recorded for a receipt hash, if any. */
export function getDisclosure(state: StateReader, receipt: string): DisclosureRecord | undefined {
  return readJson<DisclosureRecord>(state, IDN_KEYS.disclosure(receipt));
}

/**
 * The signer is a registered site (`relying-party`) that registered `policy`, signing with a
 * `capabilityInvocation` key of its DID.
 * @throws ERR_IDENTITY_SITE_NOT_REGISTERED, ERR_IDENTITY_POLICY_NOT_REGISTERED, ERR_LEDGER_UNAUTHORIZED
 */
function authorizeSite(state: StateReader, ctx: TxContext, body: DisclosureBody): void {
  const grant = ctx.signer.startsWith('did:rdid:')
    ? getRole(state, 'relying-party', ctx.signer)
    : undefined;
  if (grant?.site === undefined)
    throw new AppError(
      'ERR_IDENTITY_SITE_NOT_REGISTERED',
      `${ctx.signer} is not a registered relying party`,
    );
  if (!(grant.site.policies ?? []).some((p) => p.id === body.policy))
    throw new AppError(
      'ERR_IDENTITY_POLICY_NOT_REGISTERED',
      `${ctx.signer} registered no disclosure policy "${body.policy}"`,
    );
  requireInvocationKey(state, ctx);
}

const disclosure: TxKind<DisclosureBody> = {
  kind: 'idn.disclosure',
  schema: DisclosureBody,
  authorize: authorizeSite,
  apply(state, ctx, body) {
    if (getDisclosure(state.reader, body.receipt) !== undefined)
      throw new AppError(
        'ERR_IDENTITY_DISCLOSURE_RECORDED',
        `a disclosure with receipt ${body.receipt} is already recorded`,
      );
    const record: DisclosureRecord = {
      site: ctx.signer,
      policy: body.policy,
      time: ctx.blockTime,
      height: ctx.height,
    };
    state.write(IDN_KEYS.disclosure(body.receipt), record);
    const countKey = IDN_KEYS.disclosureCount(ctx.signer, body.policy);
    state.write(countKey, (state.read<number>(countKey) ?? 0) + 1);
  },
};

/** The disclosure kinds of the identity module. */
export const DISCLOSURE_KINDS: readonly TxKind[] = [disclosure];

const CountView = Type.Object(
  { site: Type.String(), policy: Type.String(), count: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

/** One page of counts under `prefix` (whose keys end in `<site>/<policy>`), after `after`. */
function countPage(
  state: QueryState,
  prefix: string,
  limit: number,
  after: string | undefined,
): { counts: Static<typeof CountView>[]; next: string | null } {
  const rows = state.list(prefix, limit + 1, after === undefined ? undefined : prefix + after);
  const page = rows.slice(0, limit);
  const counts = page.map((row) => {
    const rest = row.key.slice(IDN_KEYS.disclosureCountPrefix.length);
    const cut = rest.lastIndexOf('/');
    return {
      site: rest.slice(0, cut),
      policy: rest.slice(cut + 1),
      count: JSON.parse(row.value) as number,
    };
  });
  const last = page.at(-1);
  return {
    counts,
    next: rows.length > limit && last !== undefined ? last.key.slice(prefix.length) : null,
  };
}

const query = <I, O>(q: ModuleQuery<I, O>): ModuleQuery<I, O> => q;

/** Public queries over disclosure events: one by receipt hash, and the counts per site and policy. */
export const DISCLOSURE_QUERIES: readonly ModuleQuery[] = [
  query({
    name: 'disclosure',
    summary:
      'A recorded disclosure by the SHA-256 of its consent receipt (prove it with GET /v1/state?key=<key>)',
    path: '/v1/identity/disclosures/:receipt',
    params: Type.Object({ receipt: Hex32 }, { additionalProperties: false }),
    response: Type.Object(
      {
        receipt: Type.String(),
        site: Type.String(),
        policy: Type.String(),
        time: Type.Integer(),
        height: Type.Integer(),
        key: Type.String({ description: 'the state key holding it' }),
      },
      { additionalProperties: false },
    ),
    run: (state, input: { receipt: string }) => {
      const d = getDisclosure(state, input.receipt);
      if (d === undefined)
        throw new AppError('ERR_LEDGER_NOT_FOUND', `no disclosure with receipt ${input.receipt}`);
      return { receipt: input.receipt, ...d, key: IDN_KEYS.disclosure(input.receipt) };
    },
  }),
  query({
    name: 'disclosure-counts',
    summary:
      'How often each site invoked each of its disclosure policies (public statistics), by site and policy',
    path: '/v1/identity/disclosure-counts',
    querystring: Type.Object(
      {
        site: Type.Optional(Type.String({ pattern: RDID_PATTERN, description: 'only this site' })),
        limit: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 500, description: 'page size (default 100)' }),
        ),
        after: Type.Optional(
          Type.String({ maxLength: 300, description: 'the `next` of the previous page' }),
        ),
      },
      { additionalProperties: false },
    ),
    response: Type.Object(
      {
        counts: Type.Array(CountView),
        next: Type.Union([Type.String(), Type.Null()], {
          description: 'pass as `after` for the next page; null on the last page',
        }),
      },
      { additionalProperties: false },
    ),
    run: (state, input: { site?: string; limit?: number; after?: string }) =>
      countPage(
        state,
        input.site === undefined
          ? IDN_KEYS.disclosureCountPrefix
          : `${IDN_KEYS.disclosureCountPrefix}${input.site}/`,
        input.limit ?? 100,
        input.after,
      ),
  }),
];
