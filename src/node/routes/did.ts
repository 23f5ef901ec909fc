import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isResolutionResult, MEDIA, resolveForHttp, type ResolutionResult } from '../../did/index.ts';
import type { LedgerNode } from '../ledger-node.ts';

/**
 * The DID resolver, compatible with the Universal Resolver driver API. Full resolution results
 * carry `didResolutionMetadata.proof`: the signed checkpoint and sparse-Merkle proofs of the
 * records behind the answer (or of the DID's absence), so a light client trusts no node.
 */
export function didRoutes(app: FastifyInstance, node: LedgerNode): void {
  const { chain } = node;
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
    // Remember what the resolver read, so the proofs need no second store read.
    const read = new Map<string, string | null>();
    const state = { get: (k: string) => {
      const v = chain.state.get(k);
      read.set(k, v ?? null);
      return v;
    } };
    const answer = resolveForHttp(state, did, req.headers.accept, req.query as Record<string, string>);
    let body = answer.body;
    if (isResolutionResult(answer.representation) && answer.stateKeys.length > 0) {
      // Proofs and checkpoint are taken from the same committed head (nothing commits in between).
      const result = body as ResolutionResult;
      const proof = { checkpoint: chain.signedCheckpoint(), stateProofs: answer.stateKeys.map((k) => (read.has(k) ? chain.stateProof(k, read.get(k)!) : chain.stateProof(k))) };
      body = { ...result, didResolutionMetadata: { ...result.didResolutionMetadata, proof } };
    }
    return reply.status(answer.status).type(answer.contentType).send(JSON.stringify(body));
  });
}
