/**
 * The credit module's HTTP routes (its read-only queries are mounted from queries.ts). On every
 * node: record bodies (stored with the transaction that commits to them, read by the issuer, the
 * organization's bound DID or the person with the record's handle key) and queriers' reports on
 * organizations. On the node of an identity authority, the credit authority's routes: its keys,
 * person handles for issuers, the wallet's credit credential, reports on people and a person's
 * own report. Elsewhere those answer ERR_CREDIT_NOT_AUTHORITY_NODE (and `GET /v1/credit/authority`
 * is not mounted).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SignedRequest } from '../did/index.ts';
import { AppError } from '../errors.ts';
import type { StateReader } from '../ledger/index.ts';
import type { CreditReports } from './_reports.ts';
import type { CreditRequests, PersonProof } from './requests.ts';
import {
  AUTHORITY_AUDIENCE,
  HandleView,
  LocatorKey,
  Multikey,
  MyReportView,
  NODE_AUDIENCE,
  PersonProofSchema,
  ReportView,
  Signed,
  SignedTxSchema,
  signedTxOf,
  StoredBodyView,
} from './_schemas.ts';
import type { CreditAuthority } from './authority.ts';
import { MAX_STATEMENT_LENGTH, RecordBody, type BodyStore } from './bodies.ts';
import { requireRecord } from './records.ts';
import { RecordId } from './schema.ts';
import { getOrgBinding } from './state.ts';

/** What the routes serve with. */
export interface CreditServices {
  readonly bodies: BodyStore;
  readonly requests: CreditRequests;
  readonly reports: CreditReports;
  readonly authority: CreditAuthority | undefined;
  readonly state: () => StateReader;
}

type Envelope<B> = SignedRequest<B>;
const RecordParams = Type.Object({ id: RecordId }, { additionalProperties: false });

/** @throws ERR_CREDIT_NOT_AUTHORITY_NODE */
function authorityOf(s: CreditServices): CreditAuthority {
  if (s.authority === undefined)
    throw new AppError(
      'ERR_CREDIT_NOT_AUTHORITY_NODE',
      'this node runs no credit authority (it serves no identity authority)',
    );
  return s.authority;
}

/**
 * Who may read a record's body: its issuer, the DID bound to the organization it is about, or
 * the person who holds its handle key. The body is checked for expiry only after that.
 * @throws ERR_DID_AUTH_*, ERR_CREDIT_RECORD_NOT_FOUND, ERR_CREDIT_NOT_SUBJECT
 */
function authorizeBodyRead(
  s: CreditServices,
  id: string,
  input: Envelope<{ record: string }> | PersonProof,
) {
  const state = s.state();
  if ('request' in input) {
    const signer = s.requests.authenticate(input, 'credit.body');
    if (input.request.body.record !== id)
      throw new AppError('ERR_DID_AUTH_FAILED', `the request was signed for another record`);
    const r = requireRecord(state, id);
    const org = r.subject.type === 'org' ? getOrgBinding(state, r.subject.uscc)?.did : undefined;
    if (signer.did !== r.issuer && signer.did !== org)
      throw new AppError(
        'ERR_CREDIT_NOT_SUBJECT',
        `${signer.did} is neither the issuer nor the subject of record ${id}`,
      );
    return r;
  }
  const r = requireRecord(state, id);
  if (r.subject.type !== 'person')
    throw new AppError(
      'ERR_CREDIT_NOT_SUBJECT',
      `record ${id} is about an organization: read it with a signed request`,
    );
  s.requests.checkPersonProof(id, r.subject.handle.key, input);
  return r;
}

/** Routes every node serves: bodies and reports. */
function bodyRoutes(app: FastifyInstance, s: CreditServices): void {
  app.post(
    '/v1/credit/records',
    {
      schema: {
        summary:
          "Store a record's body (encrypted, off the ledger) with the credit.issue or credit.amend that commits to it, and submit the transaction",
        body: Type.Object(
          { tx: SignedTxSchema, body: RecordBody },
          { additionalProperties: false },
        ),
        response: { 200: StoredBodyView },
      },
    },
    async (req) => s.bodies.store(req.body as { tx: unknown; body: RecordBody }),
  );

  app.post(
    '/v1/credit/disputes',
    {
      schema: {
        summary:
          "Send a dispute's statement (≤ 500 characters, kept encrypted with the record's body) with the credit.dispute that names its SHA-256, and submit the transaction",
        body: Type.Object(
          {
            tx: signedTxOf(['credit.dispute']),
            statement: Type.String({ minLength: 1, maxLength: MAX_STATEMENT_LENGTH }),
          },
          { additionalProperties: false },
        ),
        response: { 200: StoredBodyView },
      },
    },
    async (req) => s.bodies.storeStatement(req.body as { tx: unknown; statement: string }),
  );

  app.post(
    '/v1/credit/records/:id/body',
    {
      schema: {
        summary:
          "Read a record's body: signed by its issuer or the organization's bound DID, or proven with the person's handle key",
        params: RecordParams,
        body: Type.Union([
          Signed(
            'credit.body',
            Type.Object({ record: RecordId }, { additionalProperties: false }),
            NODE_AUDIENCE,
          ),
          PersonProofSchema,
        ]),
        response: {
          200: Type.Object(
            {
              record: RecordId,
              version: Type.Integer(),
              body: RecordBody,
              statements: Type.Array(
                Type.Object(
                  { digest: Type.String(), text: Type.String() },
                  { additionalProperties: false },
                ),
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const r = authorizeBodyRead(s, id, req.body as Envelope<{ record: string }> | PersonProof);
      return s.bodies.read(r);
    },
  );

  app.post(
    '/v1/credit/reports',
    {
      schema: {
        summary:
          'The report an allowed query gives its querier, once (organizations on any node; people on the credit authority’s)',
        body: Signed(
          'credit.report',
          Type.Object({ query: RecordId }, { additionalProperties: false }),
          NODE_AUDIENCE,
        ),
        response: { 200: ReportView },
      },
    },
    async (req) => s.reports.report(req.body as Envelope<{ query: string }>),
  );
}

/**
 * `GET /v1/credit/authority`, mounted only where an authority runs (as `GET /v1/identity/authority`
 * is): a plain GET of the node's pages answers.
 */
function authorityInfoRoute(app: FastifyInstance, a: CreditAuthority): void {
  app.get(
    '/v1/credit/authority',
    {
      schema: {
        summary:
          'The credit authority this node runs: its DID (the identity authority’s) and the key locators are sealed to',
        response: {
          200: Type.Object(
            { did: Type.String(), locatorKey: LocatorKey },
            { additionalProperties: false },
          ),
        },
      },
    },
    async () => ({ did: a.did, locatorKey: a.locatorKey }),
  );
}

/** The credit authority's routes (elsewhere they answer ERR_CREDIT_NOT_AUTHORITY_NODE). */
function authorityRoutes(app: FastifyInstance, s: CreditServices): void {
  app.post(
    '/v1/credit/handles',
    {
      schema: {
        summary:
          'A fresh record handle for an enrolled person, by ID number (signed by an accredited credit issuer)',
        body: Signed(
          'credit.handle',
          Type.Object(
            {
              idNumber: Type.String({
                maxLength: 64,
                description: '18-character resident ID number',
              }),
            },
            { additionalProperties: false },
          ),
          AUTHORITY_AUDIENCE,
        ),
        response: { 200: HandleView },
      },
    },
    async (req) => authorityOf(s).handle(req.body as Envelope<{ idNumber: string }>),
  );

  app.post(
    '/v1/credit/credential',
    {
      schema: {
        summary:
          "The person's credit credential (pseudonym, record seed, locator key), registering the wallet's consent key (signed by the master DID)",
        body: Signed(
          'credit.credential',
          Type.Object(
            {
              consentKey: Multikey,
              pop: Type.String({
                pattern: '^[A-Za-z0-9_-]{86}$',
                description:
                  'consent key signature over the control-proof bytes (purpose credit-consent-key, the authority, the request nonce, the key)',
              }),
            },
            { additionalProperties: false },
          ),
          AUTHORITY_AUDIENCE,
        ),
        response: {
          200: Type.Object(
            {
              credential: Type.String({
                description: 'compact JWS, typ realdid-credit+jwt, signed by the authority',
              }),
            },
            { additionalProperties: false },
          ),
        },
      },
    },
    async (req) =>
      authorityOf(s).credential(req.body as Envelope<{ consentKey: string; pop: string }>),
  );

  app.post(
    '/v1/credit/my-report',
    {
      schema: {
        summary:
          "The person's own report: every unexpired record, every query about them, the score and reasons (signed by the master DID)",
        body: Signed(
          'credit.my-report',
          Type.Object({}, { additionalProperties: false }),
          AUTHORITY_AUDIENCE,
        ),
        response: { 200: MyReportView },
      },
    },
    async (req) => s.reports.myReport(req.body as Envelope<unknown>),
  );
}

/** Registers the credit module's routes. */
export function creditRoutes(app: FastifyInstance, s: CreditServices): void {
  bodyRoutes(app, s);
  authorityRoutes(app, s);
  if (s.authority !== undefined) authorityInfoRoute(app, s.authority);
}
