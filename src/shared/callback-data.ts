/** Telegram takes at most 64 bytes of callback data on a button. */
export const MAX_CALLBACK_BYTES = 64;

/** Whether `data` fits a button's callback data. */
export function fitsCallbackData(data: string): boolean {
  return Buffer.byteLength(data) <= MAX_CALLBACK_BYTES;
}
