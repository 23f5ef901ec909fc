/**
 * The credit part of a demo consortium (`node init --demo`): a tax office, a market regulator, an
 * enforcement court and a bank as credit issuers, a lender as querier, each a did:rdid whose key is
 * in `keys/<name>.json`; and the demo categories, scoring model and list adopted at genesis.
 */
import { Type } from '@sinclair/typebox';
import type { JsonValue } from '../crypto/index.ts';
import { genesisActor } from '../did/index.ts';
import type { ModuleInitContext, ModuleInitResult } from '../ledger/index.ts';
import { demoCreditDocuments } from './demo-config.ts';

/** Key files (in `keys/`) of the demo credit actors. */
export const DEMO_CREDIT_KEY_FILES = {
  tax: 'demo-tax-office',
  regulator: 'demo-regulator',
  court: 'demo-enforcement-court',
  bank: 'demo-bank',
  lender: 'demo-lender',
} as const;

/** The purposes the demo lender is registered for. */
export const DEMO_LENDER_PURPOSES = ['loan-underwriting', 'lease'] as const;

/** What `node init` may ask of the credit module: `{ "demo": {} }`. */
export const CreditInitRequest = Type.Object(
  { demo: Type.Optional(Type.Object({}, { additionalProperties: false })) },
  { additionalProperties: false },
);

/** The demo credit actors' documents, accreditations and the credit documents, for genesis. */
export function creditDemoInit(ctx: Pick<ModuleInitContext, 'keyFile'>): ModuleInitResult {
  const k = DEMO_CREDIT_KEY_FILES;
  const tax = genesisActor(ctx, k.tax);
  const regulator = genesisActor(ctx, k.regulator);
  const court = genesisActor(ctx, k.court);
  const bank = genesisActor(ctx, k.bank);
  const lender = genesisActor(ctx, k.lender);
  const issuer = (subject: string, name: string, categories: string[]) => ({
    role: 'credit-issuer',
    subject,
    name,
    scope: { categories },
  });
  const roles = [
    issuer(tax.did, 'Demo Tax Office', ['tax-arrears', 'a-grade-taxpayer']),
    issuer(regulator.did, 'Demo Market Regulator', ['administrative-penalty']),
    issuer(court.did, 'Demo Enforcement Court', ['judgment-default']),
    issuer(bank.did, 'Demo Bank', ['loan-default', 'on-time-repayment']),
    {
      role: 'querier',
      subject: lender.did,
      name: 'Demo Lender',
      scope: { purposes: [...DEMO_LENDER_PURPOSES] },
    },
  ];
  const documents = demoCreditDocuments({
    tax: tax.did,
    regulator: regulator.did,
    court: court.did,
    bank: bank.did,
  });
  return {
    genesis: {
      did: { documents: [tax, regulator, court, bank, lender] } as unknown as JsonValue,
      gov: { roles, documents } as unknown as JsonValue,
    },
  };
}
