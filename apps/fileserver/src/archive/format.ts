/** Archive formats a blueprint may come in; detected from content, never from the file name. */
export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz' | 'tar.bz2';

/** How many leading bytes `detectArchiveFormat` needs to decide. */
export const FORMAT_PROBE_BYTES = 512;

/**
 * Decides the container format from the first bytes of a file: gzip (1f 8b), bzip2 (`BZh` + block
 * size digit), zip (a local file header, or an end-of-central-directory record for an empty zip),
 * plain tar (`ustar` at offset 257). The content of gzip/bzip2 is checked to be tar later, while
 * streaming.
 * @returns the format, or `undefined` for anything else
 */
export function detectArchiveFormat(head: Uint8Array): ArchiveFormat | undefined {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar.gz';
  if (bytes.length >= 4 && bytes.subarray(0, 3).toString('latin1') === 'BZh' && isBzip2BlockSize(bytes[3])) return 'tar.bz2';
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))) {
    return 'zip';
  }
  if (hasUstarMagic(bytes)) return 'tar';
  return undefined;
}

/** True when a 512-byte tar header block carries the POSIX or GNU `ustar` magic. */
export function hasUstarMagic(block: Buffer): boolean {
  return block.length >= 262 && block.subarray(257, 262).toString('latin1') === 'ustar';
}

function isBzip2BlockSize(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x31 && byte <= 0x39;
}
