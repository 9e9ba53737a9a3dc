import type { OpenOutcome } from '../live/types.js';
import type { SessionStatus } from '../wasend/types.js';
import type { Access } from './context.js';

/** Telegram's limit is 4096; stay clear of it. */
const MAX_TEXT_LENGTH = 3800;

export const usage = {
  qr: 'Usage: /qr <session> (or just /qr to pick one of yours)',
  status: 'Usage: /status [session]',
  grant: 'Usage: /grant <user id> <session>',
  revoke: 'Usage: /revoke <user id> <session>',
  users: 'Usage: /users [session]',
  invite: 'Usage: /invite <session>',
  invites: 'Usage: /invites [session]',
  uninvite: 'Usage: /uninvite <id> (the 8-character id /invites shows)',
  audit: 'Usage: /audit',
  cancel: 'Usage: /cancel',
  pair: 'Usage: /pair <session> <phone number>, e.g. /pair demo +55 11 98765-4321',
  newSession: 'Usage: /new <name> <phone number>, e.g. /new shop +55 11 98765-4321 (the name is one word)',
  restart: 'Usage: /restart <session>',
  stop: 'Usage: /stop <session>',
  delete: 'Usage: /delete <session>',
  sessions: 'Usage: /sessions',
} as const;

/** What a person is told when a phone number cannot be used. */
export const PHONE_FORMAT =
  'That is not a phone number in international format. Send 8 to 15 digits with the country code first, e.g. +55 11 98765-4321 (a +, spaces and dashes are fine).';

export const replies = {
  refused: "Sorry, you don't have access to this bot. Ask an admin for an invite link.",
  refusedSession: "You don't have access to that session.",
  adminOnly: 'Only admins can do that.',
  qrOnlyPrivate: 'QR codes are only sent in a private chat with the bot. Open a private chat with me and send /qr there.',
  privateOnly: 'I only work in a private chat. Open a private chat with me and send /help there.',
  noSessions: 'You have no sessions yet. Ask an admin to grant you one or to send you an invite link.',
  somethingWrong: 'Something went wrong. Please try again in a minute.',
  unknownCommand: 'I do not know that command. Send /help to see what I can do.',
} as const;

/** The user-facing answer to one `/qr` outcome; `undefined` when the photo itself is the answer. */
export function outcomeText(outcome: OpenOutcome, sessionId: string): string | undefined {
  switch (outcome.kind) {
    case 'sent':
      return undefined;
    case 'already_connected':
      return `✅ ${sessionId} is already connected: no QR code needed.`;
    case 'not_found':
      return `Session ${sessionId} was not found on Wasend.`;
    case 'no_code':
      return `Wasend has no QR code for ${sessionId} yet. Try again in a minute.`;
    case 'cancelled':
      return undefined;
    case 'refused':
      return `You no longer have access to ${sessionId}.`;
    case 'pairing_wait': {
      const seconds = Math.max(1, Math.ceil((outcome.retryAt - Date.now()) / 1000));
      return `A pairing code for ${sessionId} was asked for less than a minute ago, and WhatsApp locks a number out after repeated requests. You can ask for the next one in ${seconds} s.`;
    }
    case 'pairing_not_offered':
      return 'This Wasend server does not offer pairing codes: scan the QR instead.';
    case 'too_many':
      return `You already have ${outcome.limit} live QR codes open, the most at once. Send /cancel in a chat to stop its codes, or wait for one to be linked or to expire.`;
    case 'unavailable':
      switch (outcome.reason) {
        case 'rate_limited':
          return 'Wasend is rate limiting us. Try again in a minute.';
        case 'down':
          return 'Wasend is unreachable right now. Try again in a minute.';
        case 'auth':
          return "Wasend refused the bot's API key. Please tell an admin.";
        case 'invalid_response':
          return 'Wasend sent an answer I could not read. Try again in a minute.';
        case 'telegram':
          // The photo may have arrived (a lost answer) or not; resending blindly could show two codes.
          return `Telegram did not confirm the QR photo. If no photo arrived, send /qr ${sessionId} again.`;
      }
  }
}

export function statusText(status: SessionStatus): string {
  switch (status.state) {
    case 'connected':
      return '✅ connected';
    case 'awaiting_scan':
      return '📷 waiting for a QR scan';
    case 'starting':
      return '⏳ starting';
    case 'stopped':
      return '⏹ stopped (send /qr to link it)';
    case 'failed':
      return '❌ failed (send /qr to restart it)';
    case 'passkey_required':
      return '🔑 needs a passkey (WhatsApp asks for one to link)';
    case 'passkey_confirmation':
      return '🔑 waiting for a passkey code to be confirmed';
    case 'unknown':
      return `❔ ${status.raw.slice(0, 40)}`;
  }
}

export function helpText(access: Access): string {
  const lines = [
    'I send WhatsApp pairing QR codes for Wasend sessions and keep the code up to date until your phone is linked.',
    '',
    '/qr <session> - a live QR code (scan it in WhatsApp: Settings -> Linked devices -> Link a device)',
    '/pair <session> <phone number> - a pairing code to type on the phone instead of scanning (also the "Phone number instead" button)',
    '/status [session] - the state of your sessions',
    '/sessions - the sessions you can use',
    '/cancel - stop the live QR codes in this chat',
    '/watch <session> - a message when a linked phone drops, and when it is back',
    '/unwatch <session> - stop those messages',
    '/help - this message',
  ];
  if (access.isAdmin) {
    lines.push(
      '',
      'Admin:',
      '/grant <user id> <session> - let a user fetch QR codes for a session',
      '/revoke <user id> <session> - take that back',
      '/users [session] - who has which session',
      '/invite <session> - a single-use link that grants a session',
      '/invites [session] - the open invite links; /uninvite <id> voids one',
      '/audit - the latest audit entries',
      '/new <name> <phone number> - create a session on Wasend',
      '/restart <session>, /stop <session> - restart or stop a session',
      '/delete <session> - delete a session (asks you to confirm)',
    );
  } else if (access.granted.length > 0) {
    lines.push('', `Your sessions: ${access.granted.join(', ')}`);
  }
  return lines.join('\n');
}

/** Joins lines, cutting off with a count when the text would exceed Telegram's message limit. */
export function joinLimited(lines: readonly string[]): string {
  let length = 0;
  for (let i = 0; i < lines.length; i++) {
    length += (lines[i]?.length ?? 0) + 1;
    if (length > MAX_TEXT_LENGTH) return [...lines.slice(0, i), `... and ${lines.length - i} more`].join('\n');
  }
  return lines.join('\n');
}

/** `2025-01-31 12:34:56 UTC` */
export function formatUtc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
