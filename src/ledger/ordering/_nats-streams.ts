import type { JetStreamManager } from '@nats-io/jetstream';
import type { StreamNames } from './nats-wire.ts';

/** How long JetStream remembers a message id (retries within it are deduplicated): 2 min. */
const DUPLICATE_WINDOW_NS = 120 * 1_000_000_000;

/**
 * Creates the chain's two streams if they do not exist (every node tries; creating an existing
 * stream with the same configuration succeeds), retrying while the cluster elects its leaders.
 * The streams keep every message: a new node replays from the first.
 * @returns the last sequence of the batch stream (what "caught up" means at connect)
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  names: StreamNames,
  replicas: number,
  closed: () => boolean,
): Promise<number> {
  const streams = [
    { name: names.batches, subjects: [names.batchSubject] },
    { name: names.signatures, subjects: [`${names.sigSubjectPrefix}*`] },
  ];
  let wait = 100;
  for (;;) {
    try {
      for (const s of streams) {
        try {
          await jsm.streams.info(s.name);
        } catch {
          await jsm.streams.add({
            ...s,
            num_replicas: replicas,
            duplicate_window: DUPLICATE_WINDOW_NS,
            max_msgs: -1,
            max_bytes: -1,
            max_age: 0,
          });
        }
      }
      return (await jsm.streams.info(names.batches)).state.last_seq;
    } catch (err) {
      // No JetStream leader yet, or another node created the stream a moment ago: try again.
      if (closed()) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 1000);
    }
  }
}
