/** Why a QR payload could not be turned into a PNG. */
export type QrRenderFailure = 'not_image' | 'too_large' | 'unreadable' | 'invalid_raw';

/**
 * The QR payload cannot be rendered. `reason`:
 * - `not_image`: the bytes are not a PNG, JPEG, WebP or GIF image (or are empty)
 * - `too_large`: the image is bigger than {@link MAX_INPUT_BYTES} / {@link MAX_INPUT_PIXELS} / {@link MAX_INPUT_SIDE_PX}
 * - `unreadable`: an image that cannot be decoded (truncated, corrupt) or shows no code (no contrast)
 * - `invalid_raw`: a raw pairing string that is empty, longer than {@link MAX_RAW_LENGTH} or does not fit a QR code
 */
export class QrRenderError extends Error {
  override readonly name = 'QrRenderError';
  readonly reason: QrRenderFailure;

  constructor(reason: QrRenderFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** The output is at least this wide (and as high), in pixels. */
export const MIN_OUTPUT_WIDTH_PX = 512;
/** White border around the code, in modules (the QR spec minimum). */
export const QUIET_ZONE_MODULES = 4;
/** Longest raw pairing string accepted, in characters (real ones are about 240). */
export const MAX_RAW_LENGTH = 1024;
/** Largest encoded image accepted, in bytes. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;
/** Largest decoded image accepted, in pixels: refuses decompression bombs before decoding. */
export const MAX_INPUT_PIXELS = 4096 * 4096;
/** Longest image side accepted, in pixels. */
export const MAX_INPUT_SIDE_PX = 4096;
