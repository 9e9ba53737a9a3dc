import { randomBytes } from 'node:crypto';
import { HttpError, InputFile, type Transformer } from 'grammy';
import type { BotApiTransport } from './transport.js';

/** The bytes of every file made by {@link memoryFile}. */
const bytesOf = new WeakMap<InputFile, Uint8Array>();

/** A file to upload from memory (a QR photo): {@link sendUploadsAsOneBody} sends it without grammY's form stream. */
export function memoryFile(bytes: Uint8Array, filename: string): InputFile {
  const file = new InputFile(bytes, filename);
  bytesOf.set(file, bytes);
  return file;
}

/** Whether a file is anywhere in `value` (most calls have none: they are left to grammY without copying them). */
function holdsFile(value: object): boolean {
  for (const item of Object.values(value) as unknown[]) {
    if (item instanceof InputFile) return true;
    if (typeof item === 'object' && item !== null && holdsFile(item)) return true;
  }
  return false;
}

/** `value` with every file in it replaced by its `attach://` name (a file's own `toJSON` refuses to be serialized). */
function withAttachments(value: unknown, attach: (file: InputFile) => string): unknown {
  if (value instanceof InputFile) return attach(value);
  if (Array.isArray(value)) return value.map((item) => withAttachments(item, attach));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withAttachments(item, attach)]));
}

interface Part {
  readonly id: string;
  readonly bytes: Uint8Array;
  readonly filename: string;
}

/**
 * A call whose files all come from memory, as one multipart body; `undefined` when it has no file or a file of
 * another kind (grammY sends those). Values are serialized as grammY does (`null` fields left out), each file
 * named by `attach://<id>`.
 */
export function multipartOf(payload: unknown): { body: Buffer; contentType: string } | undefined {
  if (typeof payload !== 'object' || payload === null || !holdsFile(payload)) return undefined;
  const parts: Part[] = [];
  let foreign = false;
  const attach = (file: InputFile) => {
    const bytes = bytesOf.get(file);
    if (bytes === undefined) {
      foreign = true;
      return '';
    }
    const id = `file${parts.length}`;
    parts.push({ id, bytes, filename: file.filename ?? id });
    return `attach://${id}`;
  };
  const fields: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    if (value instanceof InputFile) fields.push([key, attach(value)]);
    else if (typeof value === 'object') fields.push([key, JSON.stringify(withAttachments(value, attach), (_key, v: unknown) => v ?? undefined)]);
    else fields.push([key, String(value)]);
  }
  if (parts.length === 0 || foreign) return undefined;
  const boundary = `qrbot${randomBytes(12).toString('hex')}`;
  const chunks: Uint8Array[] = [];
  for (const [name, text] of fields) chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition:form-data;name="${name}"\r\n\r\n${text}\r\n`));
  for (const part of parts) {
    const filename = part.filename.replace(/[\r\n"]/g, '_');
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition:form-data;name="${part.id}";filename="${filename}"\r\ncontent-type:application/octet-stream\r\n\r\n`,
      ),
      part.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Sends a call with files from memory as one body built at once, and every other call as grammY does. grammY
 * builds an upload as a stream of small parts through async generators (a good part of what a `/qr` cost the main
 * thread); a QR photo is a few kilobytes in memory. Install it first (innermost), so that retries, the outbox and
 * the metrics see it as any call. A failure on the wire is grammY's `HttpError`, as for every other call.
 */
export function sendUploadsAsOneBody(transport: BotApiTransport, apiRoot: string, token: string): Transformer {
  return async (prev, method, payload, signal) => {
    const upload = multipartOf(payload);
    if (upload === undefined) return prev(method, payload, signal);
    try {
      const answer = await transport.post(`${apiRoot}/bot${token}/${method}`, upload.body, upload.contentType, signal as AbortSignal | undefined);
      // Telegram's answer as it came, as grammY's own client hands it on.
      return answer as never;
    } catch (error) {
      throw new HttpError(`Network request for '${method}' failed!`, error);
    }
  };
}
