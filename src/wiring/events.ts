import { parseSessionId } from '../bot/args.js';
import type { Cluster } from '../cluster/cluster.js';
import type { HealthMonitor } from '../health/types.js';
import { createEventHints } from '../http/event-hints.js';
import type { WasendStatusEvent } from '../http/wasend-webhook.js';
import type { LiveQr } from '../live/types.js';
import { isSessionState, type SessionStatus } from '../wasend/types.js';

/**
 * Gateway events (webhooks) as hints to look: the gateway calls one instance; the session's owner and the health
 * checks may run on others, so all hear of it. At most one look a second per session from events, whatever a
 * sender (or a replay) does. The passkey code stays here (a secret): the owner reads it from the gateway.
 */
export function wireGatewayEvents(
  liveQr: LiveQr,
  monitor: HealthMonitor,
  cluster: Cluster,
): { onEvent: (event: WasendStatusEvent) => void; stop: () => void } {
  const apply = (sessionId: string, status: SessionStatus, passkeyCode?: string) => {
    liveQr.noteWebhookEvent(sessionId);
    liveQr.poke(sessionId, status.state, passkeyCode);
    monitor.poke(sessionId, status);
  };
  const hints = createEventHints<WasendStatusEvent>((_, event) => {
    apply(event.sessionId, event.status, event.passkeyCode);
    cluster.broadcast({
      kind: 'wasend-event',
      sessionId: event.sessionId,
      status: { state: event.status.state, raw: event.status.raw.slice(0, 64) },
    });
  });
  cluster.onBroadcast((message) => {
    const told = message as { kind?: unknown; sessionId?: unknown; status?: { state?: unknown; raw?: unknown } } | null;
    if (typeof told?.sessionId !== 'string' || parseSessionId(told.sessionId) !== told.sessionId) return;
    const state = told.status?.state;
    const raw = told.status?.raw;
    if (typeof state !== 'string' || !isSessionState(state) || typeof raw !== 'string') return;
    if (told.kind === 'wasend-event') apply(told.sessionId, { state, raw });
    else if (told.kind === 'health-baseline') void monitor.baseline(told.sessionId, { state, raw });
  });
  return { onEvent: (event) => hints.hint(event.sessionId, event), stop: () => hints.stop() };
}
