/**
 * The wallet page's login routes (OpenID4VP 1.0, docs/login.md): `POST /api/login {link}` opens a
 * site's `openid4vp://` link, runs every check of the wallet and answers what the person is asked
 * (the site's registered name, origins and DID, the purpose, the claims, any disclosure policy with
 * its legal basis and condition) with a pending-login id; `POST /api/login/<id> {decision}`
 * finishes it: `approve` answers the site with only those claims (and a signed consent receipt
 * under a policy), `refuse` declines it. A request the wallet refuses comes back as its error code,
 * logged in the activity log as the CLI logs it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { isAppError } from '../../errors.ts';
import type { LoginPrompt } from '../../sdk/index.ts';
import { PendingLogins } from './pending-logins.ts';
import {
  answers,
  DecisionAnswer,
  DecisionBody,
  DecisionParams,
  LoginBody,
  PromptAnswer,
} from './schemas.ts';

/** What the page shows before asking. */
function promptView(id: string, p: LoginPrompt, account: string) {
  return {
    id,
    site: {
      did: p.site.did,
      name: p.site.name,
      origins: [...p.site.origins],
      primaryOrigin: p.site.primaryOrigin,
    },
    purpose: { id: p.purpose.id, description: p.purpose.description },
    ...(p.policy === undefined ? {} : { policy: p.policy }),
    claims: [...p.claims],
    account,
    expires: p.expires,
  };
}

/** The login routes as a fastify plugin (registered under `/api`). */
export const loginRoutes: FastifyPluginAsync<{ pending: PendingLogins }> = async (
  app,
  { pending },
) => {
  app.post<{ Body: { link: string } }>(
    '/login',
    { schema: { body: LoginBody, response: answers(PromptAnswer) } },
    async (req) => {
      const p = await pending.open(req.body.link.trim());
      return promptView(p.id, p.prompt, p.account);
    },
  );

  app.post<{ Params: { id: string }; Body: { decision: 'approve' | 'refuse' } }>(
    '/login/:id',
    { schema: { params: DecisionParams, body: DecisionBody, response: answers(DecisionAnswer) } },
    async (req) => {
      const p = pending.take(req.params.id);
      const approve = req.body.decision === 'approve';
      p.decide(approve);
      const site = { site: p.prompt.site.did, name: p.prompt.site.name, account: p.account };
      if (!approve) {
        try {
          await p.outcome;
        } catch (err) {
          if (isAppError(err, 'ERR_IDENTITY_CONSENT_DECLINED'))
            return { outcome: 'declined' as const, ...site };
          throw err;
        }
      }
      const { answer } = await p.outcome;
      return {
        outcome: 'sent' as const,
        ...site,
        disclosed: answer.disclosed,
        ...(p.prompt.policy === undefined ? {} : { policy: p.prompt.policy.id }),
        ...(answer.receiptHash === undefined ? {} : { receiptHash: answer.receiptHash }),
        presentationHash: answer.presentationHash,
        ...(answer.redirectUri === undefined ? {} : { redirectUri: answer.redirectUri }),
      };
    },
  );
};
