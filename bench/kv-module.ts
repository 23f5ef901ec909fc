import { Type, type Static } from '@sinclair/typebox';
import type { LedgerModule, TxKind } from '../src/ledger/index.ts';

const PutBody = Type.Object(
  { key: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }), value: Type.String({ maxLength: 256 }) },
  { additionalProperties: false },
);

const put: TxKind<Static<typeof PutBody>> = {
  kind: 'bench.put',
  schema: PutBody,
  authorize: () => undefined, // any signer may write under its own DID
  apply(state, ctx, body) {
    state.write(`bench/${ctx.signer}/${body.key}`, { value: body.value, at: ctx.blockTime });
  },
};

/** A tiny key/value module registered like any domain module; used by the benchmarks. */
export const benchModule: LedgerModule = { name: 'bench', namespace: 'bench', kinds: [put] };
