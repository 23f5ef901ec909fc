import type { Command } from 'commander';
import { fromHex } from '../../crypto/index.ts';
import { checkConsistency } from '../../ledger/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { intArg, output } from '../io.ts';

export function proofCommands(program: Command): void {
  const proof = program
    .command('proof')
    .description('fetch and verify proofs (inclusion, consistency, state)');

  nodeOptions(proof.command('inclusion'))
    .description('verify that a transaction is in the log of the latest signed checkpoint')
    .argument('<txid>', 'transaction id (hex)')
    .option('--json', 'machine-readable output')
    .action(async (txid: string, o: NodeOpts & { json?: boolean }) => {
      const client = await connect(o);
      const r = await client.tx(txid);
      output(
        o.json ?? false,
        { verified: true, id: txid, logIndex: r.logIndex, checkpoint: r.checkpoint },
        () =>
          `verified: ${txid} is entry ${r.logIndex} of the log of size ${r.checkpoint.logSize} (checkpoint ${r.checkpoint.height}, root ${r.checkpoint.logRoot})`,
      );
    });

  nodeOptions(proof.command('consistency'))
    .description(
      'verify that the log at --size1 is a prefix of the log at the latest signed checkpoint',
    )
    .requiredOption('--size1 <n>', 'older log size')
    .requiredOption('--root1 <hex>', 'log root you saw at that size')
    .option('--json', 'machine-readable output')
    .action(async (o: NodeOpts & { size1: string; root1: string; json?: boolean }) => {
      const client = await connect(o);
      const size1 = intArg('size1', o.size1);
      const latest = await client.checkpoint();
      const hashes = await client.consistencyProof(size1, latest.logSize);
      checkConsistency(
        size1,
        latest.logSize,
        hashes.map(fromHex),
        fromHex(o.root1),
        fromHex(latest.logRoot),
      );
      output(
        o.json ?? false,
        { verified: true, size1, size2: latest.logSize, root2: latest.logRoot, hashes },
        () =>
          `verified: the log of size ${size1} is a prefix of the signed log of size ${latest.logSize} (root ${latest.logRoot})`,
      );
    });

  nodeOptions(proof.command('state'))
    .description("verify a state key's value (or absence) against the latest signed checkpoint")
    .argument('<key>', 'state key, e.g. gov/quorum')
    .option('--json', 'machine-readable output')
    .action(async (key: string, o: NodeOpts & { json?: boolean }) => {
      const client = await connect(o);
      const r = await client.state(key);
      output(
        o.json ?? false,
        { verified: true, key, value: r.value, proof: r.proof, checkpoint: r.checkpoint },
        () =>
          `verified against checkpoint ${r.checkpoint.height} (state root ${r.checkpoint.stateRoot}):\n${key} = ${r.value === null ? '(absent)' : JSON.stringify(r.value)}`,
      );
    });
}
