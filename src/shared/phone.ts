/**
 * Phone numbers as people type them and as the bot shows them. A number is personal data: it is sent to Wasend
 * for a pairing code, and shown back only masked.
 */

/** Digits of an international number (country code first, no leading zeros rule), 8 to 15 of them (E.164). */
export type PhoneDigits = string;

/**
 * The digits of `text` when it is a phone number in international format: an optional `+`, then digits with
 * spaces, dashes, dots or parentheses between them, 8 to 15 digits in all. `undefined` otherwise.
 */
export function parsePhone(text: string): PhoneDigits | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 32 || !/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15 || digits.startsWith('0')) return undefined;
  return digits;
}

/** `+55 •• ••••-4321`: the country prefix and the last four digits, the rest hidden. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return '••••';
  return `+${digits.slice(0, 2)} •• ••••-${digits.slice(-4)}`;
}
