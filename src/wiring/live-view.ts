import type { AccessRule } from '../access/access-rule.js';
import { liveViewFace, liveViewTexts } from '../bot/live-view.js';
import { localeOfUser } from '../bot/locale.js';
import { outcomeText } from '../bot/texts.js';
import type { Config } from '../config/config.js';
import { DEFAULT_MINI_APP_MAX_AGE_S } from '../config/config.js';
import type { MiniAppOptions } from '../http/mini-app.js';
import type { LiveQr } from '../live/types.js';
import type { ViewHub } from '../live/view-hub.js';
import type { Store } from '../store/types.js';
import type { InitDataUser } from '../telegram/init-data.js';
import type { GatewayWiring } from './base.js';

/**
 * The live view's (Mini App's) view of the app: a person's page shows what their own private chat's newest message
 * of the session shows (a private chat's id is its user's), in their language, and its New QR renews that message.
 */
export function wireLiveView(
  parts: { config: Config; store: Store; accessRule: AccessRule; liveQr: LiveQr },
  gw: GatewayWiring,
  views: ViewHub,
): MiniAppOptions {
  const { config, store, accessRule, liveQr } = parts;
  const textsOf = async (user: InitDataUser) => {
    const locale = await localeOfUser(store.users, user.id, user.languageCode);
    return { locale, t: gw.i18n.in(locale), label: (id: string) => gw.names.label(id), seriesLength: gw.gateway.seriesLength };
  };
  return {
    botToken: config.telegram.token,
    maxAgeS: config.http.miniAppMaxAgeS ?? DEFAULT_MINI_APP_MAX_AGE_S,
    mayUse: accessRule.mayUse,
    texts: async (user) => liveViewTexts((await textsOf(user)).t),
    current: (user) => {
      const texts = textsOf(user);
      return async (sessionId) => {
        const seen = views.latest(user.id, sessionId);
        return seen === undefined ? undefined : { key: seen, face: { ...liveViewFace(seen.view, { ...(await texts), now: Date.now() }) } };
      };
    },
    follow: (userId, sessionId, changed) => views.follow(userId, sessionId, changed),
    renew: async (user, sessionId) => {
      const { t } = await textsOf(user);
      const seen = views.latest(user.id, sessionId);
      if (seen === undefined) return { ok: false, text: t('app-not-live') };
      const outcome = await liveQr.renew(user.id, seen.messageId, user.id);
      if (outcome.kind === 'sent') return { ok: true };
      return { ok: false, text: t('app-renew-failed', { reason: outcomeText(t, outcome, sessionId, gw.names.label(sessionId)) ?? outcome.kind }) };
    },
  };
}
