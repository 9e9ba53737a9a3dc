import type { Cluster } from '../cluster/cluster.js';
import type { HealthMonitor } from '../health/types.js';
import { createEventHints } from '../http/event-hints.js';
import type { WasendStatusEvent } from '../http/wasend-webhook.js';
import type { LiveQr } from '../live/types.js';
import type { SessionStatus } from '../wasend/types.js';
import { tellStatus, toldStatus } from './told.js';

const WASEND_EVENT = 'wasend-event';

/**
 * Gateway events (webhooks) as hints to look: the gateway calls one instance; the session's owner and the health
 * checks may run on others, so all hear of it. At most one look a second per session from events, whatever a
 * sender (or a replay) does. The passkey code stays here (a secret): the owner reads it from the gateway.
 */
export function wireGatewayEvents(
  liveQr: Pick<LiveQr, 'noteWebhookEvent' | 'poke'>,
  monitor: Pick<HealthMonitor, 'poke'>,
  cluster: Cluster,
): { onEvent: (event: WasendStatusEvent) => void; stop: () => void } {
  const apply = (sessionId: string, status: SessionStatus, passkeyCode?: string) => {
    liveQr.noteWebhookEvent(sessionId);
    liveQr.poke(sessionId, status.state, passkeyCode);
    monitor.poke(sessionId, status);
  };
  const hints = createEventHints<WasendStatusEvent>((_, event) => {
    apply(event.sessionId, event.status, event.passkeyCode);
    cluster.broadcast(tellStatus(WASEND_EVENT, event.sessionId, event.status));
  });
  cluster.onBroadcast((message) => {
    const told = toldStatus(message, WASEND_EVENT);
    if (told !== undefined) apply(told.sessionId, told.status);
  });
  return { onEvent: (event) => hints.hint(event.sessionId, event), stop: () => hints.stop() };
}
