/**
 * JSON Schemas (typebox) of the wallet server's API: what each route takes and answers. Answers
 * are serialized through their schema, so a field not declared here never reaches the page (no
 * seed, key, passphrase or SD-JWT has a field to travel in). The credit routes' answers are in
 * credit-schemas.ts.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/** `{code, message}`: an error, or why part of an answer is missing (node unreachable, …). */
export const ErrorBody = Type.Object({ code: Type.String(), message: Type.String() });

/** A proof the wallet checked: the state key, the checkpoint height, the organizations that signed it. */
export const EvidenceRef = Type.Object({
  key: Type.String(),
  height: Type.Integer(),
  signers: Type.Array(Type.String()),
});

const Str = Type.String();
const Int = Type.Integer();
const Strings = Type.Array(Type.String());
const opt = <T extends TSchema>(s: T) => Type.Optional(s);

export const StatusAnswer = Type.Object({
  wallet: Type.Object({
    path: Str,
    did: Type.Union([Str, Type.Null()]),
    plannedDid: Str,
    authIndex: Int,
    recoveryIndex: Int,
  }),
  node: Type.Object({
    url: Str,
    reachable: Type.Boolean(),
    chainId: opt(Str),
    genesisHash: opt(Str),
    height: opt(Int),
    time: opt(Int),
    error: opt(ErrorBody),
  }),
  enrollment: Type.Object({
    status: Type.Union(
      ['active', 'rebound', 'revoked', 'not-enrolled', 'no-did', 'unknown'].map((s) =>
        Type.Literal(s),
      ),
    ),
    authority: opt(Str),
    authorityName: opt(Str),
    since: opt(Int),
    until: opt(Int),
    enrolled: opt(Int),
    rebinds: opt(Int),
    evidence: opt(EvidenceRef),
    error: opt(ErrorBody),
  }),
});

export const CopyAnswer = Type.Object({
  origin: Str,
  holder: Str,
  authority: Str,
  iat: Int,
  exp: Int,
  expired: Type.Boolean(),
  status: Str,
  claims: Strings,
});

export const CredentialsAnswer = Type.Object({
  copies: Type.Array(CopyAnswer),
  statusChecked: Type.Boolean(),
  error: opt(ErrorBody),
});

export const SitesAnswer = Type.Object({
  sites: Type.Array(
    Type.Object({
      site: Str,
      name: Str,
      origin: Str,
      account: Str,
      lastLogin: Int,
      logins: Int,
      lastClaims: Strings,
      claimsShown: Strings,
    }),
  ),
});

const Policy = Type.Object({
  id: Str,
  description: Str,
  legalBasis: Str,
  condition: Str,
  claims: Strings,
});

export const PromptAnswer = Type.Object({
  id: Str,
  site: Type.Object({ did: Str, name: Str, origins: Strings, primaryOrigin: Str }),
  purpose: Type.Object({ id: Str, description: Str }),
  policy: opt(Policy),
  claims: Strings,
  account: Str,
  expires: Int,
});

export const LoginBody = Type.Object(
  { link: Type.String({ minLength: 1, maxLength: 8192 }) },
  { additionalProperties: false },
);

export const DecisionParams = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' }),
});

export const DecisionBody = Type.Object(
  { decision: Type.Union([Type.Literal('approve'), Type.Literal('refuse')]) },
  { additionalProperties: false },
);

export const DecisionAnswer = Type.Object({
  outcome: Type.Union([Type.Literal('sent'), Type.Literal('declined')]),
  site: Str,
  name: Str,
  account: Str,
  disclosed: opt(Strings),
  policy: opt(Str),
  receiptHash: opt(Str),
  presentationHash: opt(Str),
  redirectUri: opt(Str),
});

export const ActivityItemAnswer = Type.Object({
  time: Type.Number(),
  kind: Str,
  text: Str,
  details: Type.Record(Type.String(), Type.Unknown()),
  evidence: opt(EvidenceRef),
});

export const ActivityAnswer = Type.Object({ items: Type.Array(ActivityItemAnswer) });

export const ReceiptsAnswer = Type.Object({
  receipts: Type.Array(
    Type.Object({
      time: Int,
      site: Str,
      name: Str,
      origin: Str,
      account: Str,
      purpose: Str,
      claims: Strings,
      policy: Type.Object({ id: Str, legalBasis: Str, condition: Str }),
      receipt: Str,
      receiptHash: Str,
      recorded: Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('unknown')]),
      height: opt(Int),
      evidence: opt(EvidenceRef),
      error: opt(ErrorBody),
    }),
  ),
});

/** The schema of a route answering `answer` with 200 (errors: {@link ErrorBody}). */
export const answers = (answer: TSchema) => ({
  200: answer,
  '4xx': ErrorBody,
  '5xx': ErrorBody,
});
