import { generateEd25519, encodeMultikey } from '../../src/crypto/index.ts';
import {
  Chain,
  ModuleRegistry,
  NatsOrderer,
  SqliteStore,
  signTx,
  type GenesisDoc,
  type NatsOrdererOptions,
  type SignedTxJson,
} from '../../src/ledger/index.ts';
import { defaultModules } from '../../src/node/index.ts';
import { benchModule } from '../../bench/kv-module.ts';
import { makeGenesis, type TestOrg } from '../helpers/ledger.ts';

/** One organization's ledger node on a NATS-ordered consortium, in this process. */
export interface NatsChain {
  readonly chain: Chain;
  readonly orderer: NatsOrderer;
  readonly path: string;
  close(): Promise<void>;
}

export function registry(): ModuleRegistry {
  return new ModuleRegistry([...defaultModules(), benchModule]);
}

export function openNatsChain(
  genesis: GenesisDoc,
  org: TestOrg,
  path: string,
  options: Omit<NatsOrdererOptions, 'servers'> & { servers: readonly string[] },
): NatsChain {
  const store = SqliteStore.open(path);
  const chain = Chain.open(store, registry(), { genesis, signer: org.nodeSigner });
  const orderer = new NatsOrderer(chain, options);
  return {
    chain,
    orderer,
    path,
    async close() {
      await orderer.close();
      store.close();
    },
  };
}

/** A writer with a did:key of its own and increasing nonces. */
export function writer(): { put(key: string, value: string, created: number): SignedTxJson } {
  const { keyPair } = generateEd25519();
  const mk = encodeMultikey(keyPair.publicKey);
  let nonce = 0;
  return {
    put: (key, value, created) =>
      signTx(
        {
          kind: 'bench.put',
          body: { key, value },
          signer: `did:key:${mk}#${mk}`,
          nonce: ++nonce,
          created,
        },
        keyPair,
      ),
  };
}

export { makeGenesis };
