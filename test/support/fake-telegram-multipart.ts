/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  /** Present when the part is a file upload. */
  filename?: string;
  data: Buffer;
}

/** Thrown when a multipart body cannot be split into parts. */
export class MultipartParseError extends Error {
  override readonly name = 'MultipartParseError';
}

/** Extracts the boundary from a `multipart/form-data; boundary=...` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Splits a multipart/form-data body into parts.
 *
 * Written by hand because grammY writes headers as `content-disposition:form-data;name="x";filename=y`
 * (no spaces, unquoted filename), which the multipart parser behind Node 20's `Request.formData()` rejects.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new MultipartParseError('multipart boundary not found');
  for (;;) {
    position += delimiter.length;
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
    position = skipLineBreak(body, position);
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw new MultipartParseError('multipart part without header end');
    const headers = parseHeaders(body.subarray(position, headerEnd).toString('utf8'));
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
    if (next < 0) throw new MultipartParseError('multipart body not terminated');
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) throw new MultipartParseError('multipart part without a name');
    const filename = dispositionParam(disposition, 'filename');
    parts.push({ name, ...(filename === undefined ? {} : { filename }), data: Buffer.from(body.subarray(dataStart, next)) });
    position = next + 2;
  }
}

function skipLineBreak(body: Buffer, position: number): number {
  if (body[position] === 0x0d && body[position + 1] === 0x0a) return position + 2;
  throw new MultipartParseError('malformed multipart delimiter');
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}=(?:"([^"]*)"|([^;]*))`, 'i').exec(disposition);
  if (match === null) return undefined;
  return match[1] ?? match[2]?.trim();
}
