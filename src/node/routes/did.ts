import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MEDIA, resolveForHttp } from '../../did/index.ts';
import { resolverProofs } from '../did-proofs.ts';
import type { LedgerNode } from '../ledger-node.ts';

/**
 * The DID resolver, compatible with the Universal Resolver driver API. Full resolution results
 * carry `didResolutionMetadata.proof`: the signed checkpoint and sparse-Merkle proofs of the
 * records behind the answer (or of the DID's absence), so a light client trusts no node.
 */
export function didRoutes(app: FastifyInstance, node: LedgerNode): void {
  const { chain, didViews } = node;
  const { writeProof, viewProof } = resolverProofs(chain);
  app.get('/1.0/identifiers/:did', {
    schema: {
      tags: ['did'],
      summary: 'Resolve a DID (did:rdid with ledger proofs, or did:key)',
      description: `Accept: ${Object.values(MEDIA).join(' | ')}. Statuses: 200, 400 invalidDid, 404 notFound, 406 representationNotSupported, 410 deactivated, 501 methodNotSupported.`,
      params: Type.Object({ did: Type.String({ maxLength: 2048 }) }),
      // Any other option is answered by the resolver as invalidDid (a DID Resolution body).
      querystring: Type.Record(Type.String(), Type.String({ maxLength: 64 }), { maxProperties: 8 }),
    },
  }, async (req, reply) => {
    const { did } = req.params as { did: string };
    const query = req.query as Record<string, string>;
    const cached = didViews.answer(did, req.headers.accept, query, viewProof);
    if (cached !== undefined) return reply.status(cached.status).type(textContentType(cached.contentType)).send(cached.body);
    const answer = resolveForHttp(chain.state, did, req.headers.accept, query, writeProof);
    return reply.status(answer.status).type(answer.contentType).send(answer.body);
  });
}

const textContentTypes = new Map<string, string>();
/**
 * The Content-Type fastify sends with a text body of type `type` (a JSON media type gets its
 * parameters as `; name=value` and `; charset=utf-8`), for answers sent as bytes, which fastify
 * leaves alone: the same answer gets the same header whichever way it was built.
 */
function textContentType(type: string): string {
  let header = textContentTypes.get(type);
  if (header === undefined) {
    const [media = '', ...params] = type.split(';').map((p) => p.trim());
    const json = media.includes('json') && !params.some((p) => p.toLowerCase().startsWith('charset='));
    header = json ? [media, ...params, 'charset=utf-8'].join('; ') : type;
    textContentTypes.set(type, header);
  }
  return header;
}
