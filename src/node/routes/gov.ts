import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.ts';
import { getProposal, getQuorum, GOV_KEYS, orgIds, getOrg, ROLES, type Proposal, type Role } from '../../governance/index.ts';
import type { LedgerNode } from '../ledger-node.ts';
import { ErrorBody, Hex32 } from '../schemas.ts';

const Page = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), after: Type.Optional(Type.String({ maxLength: 300 })) },
  { additionalProperties: false },
);

/** Read-only governance views; changes are `gov.propose` / `gov.approve` transactions. */
export function govRoutes(app: FastifyInstance, node: LedgerNode): void {
  const { chain } = node;
  // An open proposal past its deadline can no longer be approved: show it as expired. (The
  // ledger records no expiry event; this view derives it from the head's block time.)
  const withExpiry = (p: Proposal): Proposal | (Omit<Proposal, 'status'> & { status: 'expired' }) =>
    p.status === 'open' && chain.head.header.time > p.expires ? { ...p, status: 'expired' } : p;

  app.get('/v1/gov/orgs', {
    schema: { tags: ['governance'], summary: 'Consortium organizations, their keys and the quorum' },
  }, async () => ({
    quorum: getQuorum(chain.state),
    orgs: orgIds(chain.state).map((id) => getOrg(chain.state, id)),
  }));

  app.get('/v1/gov/proposals', {
    schema: {
      tags: ['governance'],
      summary: 'Governance proposals (paged by id)',
      querystring: Type.Composite([Page, Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('executed'), Type.Literal('failed'), Type.Literal('expired')])) })], { additionalProperties: false }),
    },
  }, async (req) => {
    const { limit = 100, after, status } = req.query as { limit?: number; after?: string; status?: string };
    const prefix = 'gov/proposal/';
    const rows = chain.store.stateByPrefix(prefix, limit, after === undefined ? '' : prefix + after);
    const proposals = rows.map((r) => withExpiry(JSON.parse(r.value) as Proposal)).filter((p) => status === undefined || p.status === status);
    const last = rows.at(-1);
    return { proposals, next: rows.length === limit && last !== undefined ? last.key.slice(prefix.length) : null };
  });

  app.get('/v1/gov/proposals/:id', {
    schema: { tags: ['governance'], summary: 'One proposal with its approvals and status', params: Type.Object({ id: Hex32 }), response: { 404: ErrorBody } },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const p = getProposal(chain.state, id);
    if (p === undefined) throw new AppError('ERR_GOV_PROPOSAL_NOT_FOUND', `no proposal ${id}`);
    return withExpiry(p);
  });

  app.get('/v1/gov/roles', {
    schema: {
      tags: ['governance'],
      summary: 'Accredited identity authorities, credit issuers, queriers and relying parties',
      querystring: Type.Composite([Page, Type.Object({ role: Type.Optional(Type.Union(ROLES.map((r) => Type.Literal(r)))) })], { additionalProperties: false }),
    },
  }, async (req) => {
    const { limit = 100, after, role } = req.query as { limit?: number; after?: string; role?: Role };
    const prefix = role === undefined ? 'gov/role/' : GOV_KEYS.role(role, '');
    const rows = chain.store.stateByPrefix(prefix, limit, after === undefined ? '' : prefix + after);
    const last = rows.at(-1);
    return { roles: rows.map((r) => JSON.parse(r.value) as unknown), next: rows.length === limit && last !== undefined ? last.key.slice(prefix.length) : null };
  });
}
