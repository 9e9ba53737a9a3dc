import { initDataKey, signInitData } from '../../src/telegram/init-data.js';
import type { FakeMessage } from './fake-telegram.js';
import { eventually } from './wait.js';

/** Launch data as Telegram signs it for a Mini App opened by `userId` (`authDate` in seconds, default now). */
export function launchData(botToken: string, userId: number, options: { authDate?: number; languageCode?: string; forge?: boolean } = {}): string {
  const fields: Record<string, string> = {
    query_id: 'AAHdF6IQAAAAAN0XohDhrOrc',
    user: JSON.stringify({ id: userId, first_name: 'Ana', language_code: options.languageCode ?? 'en' }),
    auth_date: String(options.authDate ?? Math.floor(Date.now() / 1000)),
  };
  const hash = signInitData(fields, initDataKey(options.forge ? `${botToken}x` : botToken));
  return new URLSearchParams({ ...fields, hash }).toString();
}

/** The URL of the message's "Open live view" button (a `web_app` button), if it has one. */
export function liveViewButton(message: FakeMessage | undefined): string | undefined {
  for (const button of message?.replyMarkup?.inline_keyboard.flat() ?? []) {
    if ('web_app' in button && button.web_app !== undefined) return button.web_app.url;
  }
  return undefined;
}

export interface StreamLine {
  readonly type: string;
  readonly face?: { kind: string; image?: string; code?: string; session: string; series?: string; expiresAt?: number | null };
  readonly texts?: Record<string, string>;
}

/** The live view's stream, read line by line as the page reads it. */
export interface LiveStream {
  readonly lines: StreamLine[];
  readonly ended: () => boolean;
  /** Waits for a line (after those already taken by earlier waits) that `match` accepts. */
  until(match: (line: StreamLine) => boolean, description: string, timeoutMs?: number): Promise<StreamLine>;
  close(): void;
}

export async function openLiveStream(
  baseUrl: string,
  sessionId: string,
  initData: string,
): Promise<{ status: number; stream?: LiveStream; body?: unknown }> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/app/api/live?s=${encodeURIComponent(sessionId)}`, {
    headers: { authorization: `tma ${initData}` },
    signal: controller.signal,
  });
  if (response.status !== 200 || response.body === null) return { status: response.status, body: await response.json() };
  const lines: StreamLine[] = [];
  let ended = false;
  let taken = 0;
  void (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
          lines.push(JSON.parse(buffered.slice(0, at)) as StreamLine);
          buffered = buffered.slice(at + 1);
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      ended = true;
    }
  })();
  return {
    status: 200,
    stream: {
      lines,
      ended: () => ended,
      async until(match, description, timeoutMs = 5_000) {
        return eventually(
          () => {
            for (let i = taken; i < lines.length; i++) {
              if (match(lines[i]!)) {
                taken = i + 1;
                return lines[i];
              }
            }
            return undefined;
          },
          description,
          timeoutMs,
        );
      },
      close: () => controller.abort(),
    },
  };
}
