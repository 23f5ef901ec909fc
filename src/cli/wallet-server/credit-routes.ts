/**
 * The wallet server's credit routes (registered under `/api/credit`, behind the session and
 * origin checks of the wallet server): the person's own credit report with what the wallet
 * verified, a look through the credit feed, the credit credential, disputes and consents. Each
 * calls the same functions as the `realdid credit` commands (commands/credit-actions.ts), with
 * the server's unlocked wallet and client. Errors are AppErrors with their codes; a request that
 * does not match a route's JSON Schema is ERR_API_SCHEMA (400). Answers are serialized through
 * their schemas (credit-schemas.ts): nothing undeclared reaches the page.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ConsentTokenSchema } from '../../credentials/index.ts';
import { createAjv } from '../../ledger/index.ts';
import {
  disputeStatement,
  fileDispute,
  findRecordHandle,
  giveConsent,
  lookFeed,
  MAX_STATEMENT_LENGTH,
  obtainCredential,
  openCreditOf,
  type OpenedCredit,
} from '../commands/credit-actions.ts';
import { parseDuration } from '../commands/lawful.ts';
import type { WalletContext } from './context.ts';
import { walletCreditReport } from './credit-report.ts';
import { CreditReportAnswer, DisputeAnswer } from './credit-schemas.ts';
import { answers } from './schemas.ts';

const RecordId = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'record id' });

/** `POST /dispute`. */
export const DisputeInput = Type.Object(
  {
    record: RecordId,
    statement: Type.String({
      minLength: 1,
      maxLength: MAX_STATEMENT_LENGTH,
      pattern: '\\S',
      description: 'the person’s statement; the ledger gets its SHA-256',
    }),
  },
  { additionalProperties: false },
);

/** How long a consent stays valid: minutes, hours or days, as `realdid credit consent --expires`. */
export const EXPIRES_PATTERN = '^[1-9][0-9]{0,3}[mhd]$';

/** `POST /consent`. */
export const ConsentInput = Type.Object(
  {
    querier: ConsentTokenSchema.properties.querier,
    purpose: ConsentTokenSchema.properties.purpose,
    expires: Type.String({ pattern: EXPIRES_PATTERN, description: 'e.g. 30m, 12h, 7d' }),
  },
  { additionalProperties: false },
);

/** Routes without input take no body (fastify validates a missing one as null) or `{}`. */
const NoInput = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

/** Opens the wallet's credit side with a client of the node. @throws ERR_CREDIT_NO_CREDENTIAL */
async function opened(ctx: WalletContext): Promise<OpenedCredit> {
  return openCreditOf(ctx.wallet, await ctx.client());
}

/** `GET /report`: the person's own report, with what the wallet verified. */
function reportRoute(app: FastifyInstance, ctx: WalletContext): void {
  app.get(
    '/report',
    {
      schema: {
        tags: ['wallet'],
        summary: 'your credit report: records, disputes, score with reasons, queries, proofs',
        response: answers(CreditReportAnswer),
      },
    },
    () => walletCreditReport(ctx),
  );
}

/** `POST /watch`: a look through the feed (long on a long feed); how much was read and found. */
function watchRoute(app: FastifyInstance, ctx: WalletContext): void {
  const Answer = Type.Object(
    {
      scanned: Type.Integer({ description: 'feed events read' }),
      found: Type.Integer({ description: 'new events about you, proven and kept' }),
      cursor: Type.Integer(),
      kept: Type.Integer({ description: 'events the wallet keeps' }),
    },
    { additionalProperties: false },
  );
  app.post(
    '/watch',
    {
      schema: {
        tags: ['wallet'],
        summary: 'look through the credit feed for new events about you (proofs checked, kept)',
        body: NoInput,
        response: answers(Answer),
      },
    },
    async () => {
      const r = await lookFeed(await opened(ctx));
      const kept = r.store.events.length;
      return { scanned: r.scanned, found: r.events.length, cursor: r.cursor, kept };
    },
  );
}

/** `POST /credential`: the credit credential from the authority. */
function credentialRoute(app: FastifyInstance, ctx: WalletContext): void {
  const Answer = Type.Object(
    { authority: Type.String(), consentKey: Type.String(), obtained: Type.Integer() },
    { additionalProperties: false, description: 'the credential itself stays in the wallet' },
  );
  app.post(
    '/credential',
    {
      schema: {
        tags: ['wallet'],
        summary: 'obtain your credit credential from the authority, kept sealed by the wallet',
        body: NoInput,
        response: answers(Answer),
      },
    },
    async () => obtainCredential(ctx.wallet, await ctx.client()),
  );
}

/** `POST /dispute`: disputes one of the person's records; the dispute with its deadline. */
function disputeRoute(app: FastifyInstance, ctx: WalletContext): void {
  app.post(
    '/dispute',
    {
      schema: {
        tags: ['wallet'],
        summary: 'dispute one of your records; the issuer must answer before the deadline',
        body: DisputeInput,
        response: answers(DisputeAnswer),
      },
    },
    async (req) => {
      const body = req.body as Static<typeof DisputeInput>;
      const statement = disputeStatement(body.statement, 'body/statement', 'ERR_API_SCHEMA');
      const c = await opened(ctx);
      const handle = await findRecordHandle(c, body.record, () => lookFeed(c));
      return fileDispute(c, body.record, statement, handle);
    },
  );
}

/** `POST /consent`: a consent token to give the querier. */
function consentRoute(app: FastifyInstance, ctx: WalletContext): void {
  app.post(
    '/consent',
    {
      schema: {
        tags: ['wallet'],
        summary: 'a consent token for one query by one querier and purpose, to give the querier',
        body: ConsentInput,
        response: answers(Type.Object({ token: ConsentTokenSchema })),
      },
    },
    async (req) => {
      const body = req.body as Static<typeof ConsentInput>;
      const expiresInMs = parseDuration('expires', body.expires);
      return { token: giveConsent(await opened(ctx), { ...body, expiresInMs }) };
    },
  );
}

/** The person's credit: `GET /report`, `POST /watch|credential|dispute|consent`. */
export const creditRoutes: FastifyPluginAsync<{ ctx: WalletContext }> = async (app, { ctx }) => {
  // Bodies as they are, whatever the server's defaults: no type coercion, no removed properties.
  const ajv = createAjv();
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));
  reportRoute(app, ctx);
  watchRoute(app, ctx);
  credentialRoute(app, ctx);
  disputeRoute(app, ctx);
  consentRoute(app, ctx);
};
