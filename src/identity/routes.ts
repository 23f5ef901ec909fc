/**
 * The identity authority's HTTP API (mounted only on a node that serves an authority). The front
 * office's calls and the wallets' copy requests are DID-signed envelopes
 * (`{request: {action, audience, body, created, nonce}, signer, signature}`, see
 * did/signed-request.ts); the status list tokens are public.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { REAL_NAME_VCT } from '../credentials/index.ts';
import type { SignedRequest } from '../did/index.ts';
import type { Authority } from './authority.ts';
import type { PersonInput } from './person.ts';
import { RDID_PATTERN, REVOKE_REASONS, type RevokeReason } from './state.ts';

const Rdid = Type.String({ pattern: RDID_PATTERN });
const B64u = (max: number) => Type.String({ pattern: '^[A-Za-z0-9_-]+$', maxLength: max });

/** A DID-signed request carrying `body`. */
function Signed(action: string, body: TSchema) {
  return Type.Object(
    {
      request: Type.Object(
        {
          action: Type.Literal(action),
          audience: Type.String({ maxLength: 220, description: "the authority's DID" }),
          body,
          created: Type.Integer({
            description: 'ms since the epoch (within 5 minutes of the server clock)',
          }),
          nonce: Type.String({
            pattern: '^[A-Za-z0-9_-]{22}$',
            description: '16 random bytes, base64url',
          }),
        },
        { additionalProperties: false },
      ),
      signer: Type.String({ maxLength: 300, description: 'DID URL of the signing key' }),
      signature: B64u(100),
    },
    { additionalProperties: false },
  );
}

const Person = Type.Object(
  {
    familyName: Type.String({ maxLength: 256 }),
    givenName: Type.String({ maxLength: 256 }),
    idNumber: Type.String({ maxLength: 64, description: '18-character resident ID number' }),
    birthdate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
    nationality: Type.String({ maxLength: 8, description: 'ISO 3166-1 alpha-2' }),
    region: Type.Optional(
      Type.String({
        maxLength: 8,
        description: 'ISO 3166-2:CN province (default: from the ID number)',
      }),
    ),
  },
  { additionalProperties: false },
);
const Proof = Type.Object(
  { challenge: B64u(64), signer: Type.String({ maxLength: 300 }), signature: B64u(100) },
  {
    additionalProperties: false,
    description: "the person's signature over the challenge with the master DID",
  },
);
const BindingRequest = Type.Object(
  { person: Person, did: Rdid, proof: Proof },
  { additionalProperties: false },
);
const BindingView = Type.Object(
  {
    did: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('rebound'), Type.Literal('revoked')]),
    authority: Type.String(),
    since: Type.Integer(),
    enrolled: Type.Optional(Type.Integer()),
    rebinds: Type.Optional(Type.Integer()),
    reason: Type.Optional(Type.String()),
    copies: Type.Object({ issued: Type.Integer(), unexpired: Type.Integer() }),
    record: Type.Union([Type.Literal('held'), Type.Literal('erased'), Type.Literal('none')]),
  },
  { additionalProperties: false },
);
const Multikey = Type.String({ pattern: '^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$' });

type Envelope<B> = SignedRequest<B>;

/** Registers the authority's routes. */
export function authorityRoutes(app: FastifyInstance, authority: Authority): void {
  app.get(
    '/v1/identity/authority',
    {
      schema: {
        summary: 'The identity authority this node serves: its DID, issuer key and credential type',
        response: {
          200: Type.Object({
            did: Type.String(),
            name: Type.String(),
            issuerKey: Type.String(),
            vct: Type.String(),
            problem: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async () => ({
      did: authority.did,
      name: authority.name,
      issuerKey: authority.kid,
      vct: REAL_NAME_VCT,
      problem: authority.problem() ?? null,
    }),
  );

  app.post(
    '/v1/identity/challenges',
    {
      schema: {
        summary: 'A fresh challenge for a person to sign with their master DID (front office)',
        body: Signed('identity.challenge', Type.Object({}, { additionalProperties: false })),
        response: { 200: Type.Object({ challenge: Type.String(), expires: Type.Integer() }) },
      },
    },
    async (req) => {
      authority.authenticate(req.body as Envelope<unknown>, 'identity.challenge', true);
      return authority.challenge();
    },
  );

  app.post(
    '/v1/identity/enrollments',
    {
      schema: {
        summary:
          'Enroll a checked person: personal data to the vault, uniqueness tag to the ledger (front office)',
        body: Signed('identity.enroll', BindingRequest),
        response: { 200: BindingView },
      },
    },
    async (req) => {
      const env = req.body as Envelope<{ person: PersonInput; did: string; proof: never }>;
      authority.authenticate(env, 'identity.enroll', true);
      return authority.enroll(env.request.body);
    },
  );

  app.post(
    '/v1/identity/rebindings',
    {
      schema: {
        summary:
          'Re-bind a re-checked person to a new master DID; revokes every copy of the old one (front office)',
        body: Signed('identity.rebind', BindingRequest),
        response: { 200: BindingView },
      },
    },
    async (req) => {
      const env = req.body as Envelope<{ person: PersonInput; did: string; proof: never }>;
      authority.authenticate(env, 'identity.rebind', true);
      return authority.rebind(env.request.body);
    },
  );

  app.post(
    '/v1/identity/revocations',
    {
      schema: {
        summary:
          'Revoke the binding a master DID holds and all its copies; optionally erase the record (front office)',
        body: Signed(
          'identity.revoke',
          Type.Object(
            {
              did: Rdid,
              reason: Type.Union(REVOKE_REASONS.map((r) => Type.Literal(r))),
              erase: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: BindingView },
      },
    },
    async (req) => {
      const env = req.body as Envelope<{ did: string; reason: RevokeReason; erase?: boolean }>;
      authority.authenticate(env, 'identity.revoke', true);
      return authority.revoke(env.request.body);
    },
  );

  app.post(
    '/v1/identity/lookups',
    {
      schema: {
        summary: "A binding's status and copy counts, without personal data (front office)",
        body: Signed('identity.show', Type.Object({ did: Rdid }, { additionalProperties: false })),
        response: { 200: BindingView },
      },
    },
    async (req) => {
      const env = req.body as Envelope<{ did: string }>;
      authority.authenticate(env, 'identity.show', true);
      return authority.show(env.request.body.did);
    },
  );

  app.post(
    '/v1/identity/copies',
    {
      schema: {
        summary:
          "A real-name credential copy bound to one holder key (signed by the person's master DID)",
        body: Signed(
          'identity.copy',
          Type.Object(
            {
              holder: Multikey,
              pop: Type.String({
                pattern: '^[A-Za-z0-9_-]{86}$',
                description: 'holder key signature over the request nonce',
              }),
            },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: Type.Object({
            credential: Type.String(),
            iat: Type.Integer(),
            exp: Type.Integer(),
            status: Type.Object({ idx: Type.Integer(), uri: Type.String() }),
          }),
        },
      },
    },
    async (req) => {
      const env = req.body as Envelope<{ holder: string; pop: string }>;
      const signer = authority.authenticate(env, 'identity.copy', false);
      return authority.issueCopy(signer, env.request.body, env.request.nonce);
    },
  );

  app.get(
    '/v1/identity/status-lists/:list',
    {
      schema: {
        summary:
          'The signed Status List Token of one of this authority’s lists (draft-ietf-oauth-status-list)',
        params: Type.Object({ list: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }) }),
        response: { 200: Type.String({ description: 'application/statuslist+jwt' }) },
      },
    },
    async (req, reply) => {
      const jwt = authority.lists.token((req.params as { list: string }).list);
      void reply
        .header('content-type', 'application/statuslist+jwt')
        .header('cache-control', 'max-age=30');
      return jwt;
    },
  );
}
