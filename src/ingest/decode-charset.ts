import iconv from 'iconv-lite';

/** Names servers use for legacy encodings, mapped to the superset a browser would decode with. */
const ALIASES: Record<string, string> = {
  gb2312: 'gb18030', gbk: 'gb18030', 'x-gbk': 'gb18030', 'euc-cn': 'gb18030',
  'euc-kr': 'cp949', 'ks_c_5601-1987': 'cp949', 'x-windows-949': 'cp949', 'windows-949': 'cp949',
  big5: 'big5', 'big5-hkscs': 'big5hkscs', 'x-x-big5': 'big5',
};

const fromContentType = (contentType: string | undefined) => /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
/** The XML declaration and <meta charset> are ASCII, so the first bytes read as latin1 are enough. */
const fromDocument = (head: string) =>
  /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ??
  /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];

function bomCharset(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Text of a response body. The charset comes from a byte-order mark, else the Content-Type header,
 * else the XML declaration or <meta charset>, else UTF-8; an unknown name falls back to UTF-8.
 */
export function decodeBody(bytes: Buffer, contentType: string | undefined): { text: string; charset: string } {
  const declared = (bomCharset(bytes) ?? fromContentType(contentType) ?? fromDocument(bytes.subarray(0, 2048).toString('latin1')) ?? 'utf-8').toLowerCase();
  const charset = ALIASES[declared] ?? declared;
  const usable = iconv.encodingExists(charset) ? charset : 'utf-8';
  return { text: iconv.decode(bytes, usable).replace(/^\uFEFF/, ''), charset: usable };
}
