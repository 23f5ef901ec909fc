/**
 * The credit module's node part. Every node keeps the record bodies issuers send it (vault
 * `bodies`, shredded at expiry by the read model of the same name) and serves queriers' reports
 * on organizations (vault `reports`: which queries were served). On the node of an identity
 * authority (`host.peer('idn')` offers `realNames`), it also runs the credit subject authority
 * (vault `authority`): person handles, credit credentials, the subject index, reports on people.
 */
import { Type } from '@sinclair/typebox';
import { createAjv, describeSchemaError, type ModuleNode } from '../ledger/index.ts';
import { CreditReports } from './_reports.ts';
import { CreditRequests } from './requests.ts';
import { CreditAuthority, realNamesOf } from './authority.ts';
import { BodyStore } from './bodies.ts';
import { creditRoutes } from './routes.ts';
import { CreditInitRequest, creditDemoInit } from './demo-init.ts';
import { CREDIT_KEYS } from './state.ts';

/** The credit module's node options (`modules.credit` in node.json): none yet. */
export const CreditNodeOptions = Type.Object({}, { additionalProperties: false });
const checkOptions = createAjv().compile(CreditNodeOptions);
const checkInit = createAjv().compile(CreditInitRequest);

export const creditNode: ModuleNode = {
  checkOptions(options) {
    if (options !== undefined && !checkOptions(options))
      throw new RangeError(`modules.credit ${describeSchemaError(checkOptions)}`);
  },

  initData(ctx) {
    if (!checkInit(ctx.request))
      throw new RangeError(`credit init request ${describeSchemaError(checkInit)}`);
    return ctx.request.demo === undefined ? {} : creditDemoInit(ctx);
  },

  open(host) {
    const requests = new CreditRequests(() => host.chain.state);
    const bodies = new BodyStore(host, host.vault('bodies'));
    host.readModel(bodies.readModel());
    const names = realNamesOf(host.peer('idn'));
    const authority =
      names === undefined ? undefined : new CreditAuthority(host, names, host.vault('authority'));
    if (authority !== undefined) {
      const index = authority.index;
      host.readModel({
        name: 'subjects',
        onCommit: (changes) => {
          for (const key of changes.keys())
            if (key.startsWith(CREDIT_KEYS.eventPrefix)) return index.kick();
        },
        fill: (closed) => index.indexed(closed),
        memory: () => ({ bytes: 0, budget: 0 }),
      });
      host.metrics.gauge(
        'subjects_cursor',
        'The last person event the credit authority indexed (-1 before the first).',
        () => index.cursor,
      );
    }
    const reports = new CreditReports({
      host,
      vault: host.vault('reports'),
      requests,
      authority,
      count: host.metrics.counter('reports_total', 'Credit reports served, by audience.'),
    });
    return {
      routes: (app) =>
        creditRoutes(app, { bodies, requests, reports, authority, state: () => host.chain.state }),
      close: async () => authority?.close(),
    };
  },
};
