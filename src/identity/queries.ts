import { Type } from '@sinclair/typebox';
import { fromBase64url } from '../crypto/index.ts';
import { chunkOfIndex, getInChunk } from '../credentials/index.ts';
import { AppError } from '../errors.ts';
import type { ModuleQuery } from '../ledger/index.ts';
import {
  getMaster,
  getStatusList,
  IDN_KEYS,
  RDID_PATTERN,
  type StatusListRecord,
} from './state.ts';

const Rdid = Type.String({ pattern: RDID_PATTERN });
const ListId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
const ListView = Type.Object(
  {
    id: Type.String(),
    issuer: Type.String(),
    size: Type.Integer(),
    bits: Type.Integer(),
    created: Type.Integer(),
  },
  { additionalProperties: false },
);

const query = <I, O>(q: ModuleQuery<I, O>): ModuleQuery<I, O> => q;

/** The identity module's read-only queries: nothing personal, only binding states and status bits. */
export const IDENTITY_QUERIES: readonly ModuleQuery[] = [
  query({
    name: 'master',
    summary:
      "A master DID's real-name binding status (active, rebound or revoked) and its authority",
    path: '/v1/identity/masters/:did',
    params: Type.Object({ did: Rdid }, { additionalProperties: false }),
    response: Type.Object(
      {
        did: Type.String(),
        authority: Type.String(),
        status: Type.Union([
          Type.Literal('active'),
          Type.Literal('rebound'),
          Type.Literal('revoked'),
        ]),
        since: Type.Integer(),
        until: Type.Optional(Type.Integer()),
      },
      { additionalProperties: false },
    ),
    run: (state, input: { did: string }) => {
      const m = getMaster(state, input.did);
      if (m === undefined)
        throw new AppError('ERR_IDENTITY_NOT_ENROLLED', `${input.did} has no real-name binding`);
      return {
        did: input.did,
        authority: m.authority,
        status: m.status,
        since: m.since,
        ...(m.until === undefined ? {} : { until: m.until }),
      };
    },
  }),
  query({
    name: 'lists',
    summary: 'Status lists registered by identity authorities',
    path: '/v1/identity/lists',
    querystring: Type.Object(
      {
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        after: Type.Optional(ListId),
      },
      { additionalProperties: false },
    ),
    response: Type.Object(
      { lists: Type.Array(ListView), next: Type.Union([Type.String(), Type.Null()]) },
      { additionalProperties: false },
    ),
    run: (state, input: { limit?: number; after?: string }) => {
      const limit = input.limit ?? 100;
      const after = input.after === undefined ? undefined : IDN_KEYS.list(input.after);
      const rows = state.list(IDN_KEYS.listPrefix, limit + 1, after);
      const lists = rows.slice(0, limit).map((r) => JSON.parse(r.value) as StatusListRecord);
      return { lists, next: rows.length > limit ? lists.at(-1)!.id : null };
    },
  }),
  query({
    name: 'status',
    summary: 'One status entry as the ledger holds it (0 valid, 1 revoked)',
    path: '/v1/identity/lists/:list/:idx',
    params: Type.Object(
      { list: ListId, idx: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    response: Type.Object(
      { list: Type.String(), idx: Type.Integer(), status: Type.Integer() },
      { additionalProperties: false },
    ),
    run: (state, input: { list: string; idx: number }) => {
      const list = getStatusList(state, input.list);
      if (list === undefined)
        throw new AppError('ERR_IDENTITY_LIST_UNKNOWN', `no status list "${input.list}"`);
      if (input.idx >= list.size)
        throw new AppError(
          'ERR_IDENTITY_BAD_STATUS_INDEX',
          `index ${input.idx} is outside list "${list.id}" of ${list.size}`,
        );
      const { chunk } = chunkOfIndex(input.idx, list.bits);
      const stored = state.get(IDN_KEYS.chunk(list.id, chunk));
      const bytes = stored === undefined ? undefined : fromBase64url(JSON.parse(stored) as string);
      return { list: list.id, idx: input.idx, status: getInChunk(bytes, input.idx, list.bits) };
    },
  }),
];
