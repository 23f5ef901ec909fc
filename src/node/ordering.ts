import type { AppError } from '../errors.ts';
import {
  NatsOrderer,
  SoloOrderer,
  type Chain,
  type ConsortiumStatus,
  type NatsOrdererOptions,
  type Orderer,
  type SignatureVerifier,
  type SoloOptions,
} from '../ledger/index.ts';
import type { ModuleLogSink } from './ledger-node.ts';
import type { Metrics } from './metrics.ts';

/** How a node orders: the solo orderer's options (the default), or a NATS JetStream consortium. */
export type NodeOrdering =
  | (SoloOptions & { readonly type?: 'solo' })
  | (Omit<NatsOrdererOptions, 'verifier'> & { readonly type: 'nats' });

/** What `GET /v1/consortium` shows: `{type:'solo'}`, or the NATS orderer's status. */
export type ConsortiumView = { readonly type: 'solo' } | ConsortiumStatus;

/** The solo orderer, or the NATS one, with the node's signature verifier and deadline error handler. */
export function openOrderer(
  chain: Chain,
  ordering: NodeOrdering | undefined,
  verifier: SignatureVerifier | undefined,
  onDeadlineError: (err: AppError) => void,
): Orderer {
  const shared = { ...(verifier === undefined ? {} : { verifier }), onDeadlineError };
  if (ordering?.type === 'nats') {
    const { type: _, ...nats } = ordering;
    return new NatsOrderer(chain, { ...nats, ...shared });
  }
  const { type: _, ...solo } = ordering ?? { type: 'solo' as const };
  return new SoloOrderer(chain, { ...solo, ...shared });
}

/**
 * The consortium's metrics (alarms by kind, halted, applied stream sequence) and its alarms in
 * the log: an error for a halt, a divergence or an equivocation, a warning for a bad signature.
 * @returns a function that stops listening
 */
export function consortiumMetrics(
  metrics: Metrics,
  nats: NatsOrderer,
  log: ModuleLogSink,
): () => void {
  metrics.counter(
    'realdid_consortium_alarms_total',
    'Consortium alarms (bad-signature, divergent, equivocation, halted), by kind.',
  );
  metrics.gauge(
    'realdid_consortium_halted',
    '1 when this node stopped applying blocks (it diverged from the quorum, or its store failed).',
    () => (nats.status().halted === null ? 0 : 1),
  );
  metrics.gauge(
    'realdid_consortium_applied_seq',
    'Last NATS stream sequence this node applied.',
    () => nats.status().appliedSeq,
  );
  nats.connected.then(
    () => log.info({ stream: nats.status().stream }, 'consortium: connected to NATS'),
    (err: unknown) => log.error({ err }, 'consortium: could not connect to NATS'),
  );
  return nats.onAlarm((a) => {
    metrics.inc('realdid_consortium_alarms_total', { kind: a.kind });
    const fields = { kind: a.kind, org: a.org, height: a.height };
    if (a.kind === 'bad-signature') log.warn(fields, `consortium: ${a.message}`);
    else log.error(fields, `consortium: ${a.message}`);
  });
}
