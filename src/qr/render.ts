import QRCode from 'qrcode';
import type { BitMatrix } from 'qrcode';
import type { QrPayload } from './payload.js';
import { MAX_RAW_LENGTH, QrRenderError } from './errors.js';
import { renderImageQr } from './image-qr.js';
import { encodeModuleMatrix } from './png.js';

export * from './errors.js';
export { encodeBitmapPng, type Bitmap } from './png.js';

/**
 * Renders a normalized Wasend QR payload to PNG bytes ready to send as a Telegram photo:
 * opaque white background, a quiet zone of at least 4 modules, at least 512 px wide,
 * only pure black and white pixels (scaled without smoothing).
 *
 * A raw pairing string is encoded locally (UTF-8, byte mode, error correction M). An image is flattened onto white,
 * thresholded and re-sampled to its module grid; when no grid is found it is upscaled as it is
 * (nearest neighbour) with a white border of 4 estimated modules.
 *
 * @throws {QrRenderError} for anything that cannot become a scannable image; never anything else.
 */
export async function renderQrPng(payload: QrPayload): Promise<Buffer> {
  return payload.kind === 'raw' ? renderRawQr(payload.value) : renderImageQr(payload.bytes);
}

function renderRawQr(value: string): Buffer {
  if (value.trim().length === 0) {
    throw new QrRenderError('invalid_raw', 'QR pairing string is empty');
  }
  if (value.length > MAX_RAW_LENGTH) {
    throw new QrRenderError('invalid_raw', `QR pairing string is ${value.length} characters long (at most ${MAX_RAW_LENGTH})`);
  }
  let modules: BitMatrix;
  try {
    // One byte-mode segment: the optimal-segmentation search costs as much as the rest of the render
    // and saves nothing on base64-like pairing strings.
    const segment = { mode: 'byte', data: Buffer.from(value, 'utf8') } as const;
    modules = QRCode.create([segment], { errorCorrectionLevel: 'M' }).modules;
  } catch (error) {
    throw new QrRenderError('invalid_raw', 'QR pairing string does not fit in a QR code', { cause: error });
  }
  return encodeModuleMatrix({ width: modules.size, height: modules.size, dark: modules.data });
}
