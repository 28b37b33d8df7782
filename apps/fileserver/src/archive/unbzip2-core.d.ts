// Types for the decoder core of unbzip2-stream 1.4.3 (lib/bzip2.js, lib/bit_iterator.js), which
// ships no typings of its own for these files.

declare module 'unbzip2-stream/lib/bit_iterator' {
  /** Reads `n` bits (MSB first); `null` aligns to the next byte. Throws when input runs out. */
  interface BitReader {
    (n: number | null): number;
    /** Bytes started so far. */
    bytesRead: number;
  }
  function bitIterator(nextBuffer: () => Uint8Array | undefined): BitReader;
  export = bitIterator;
}

declare module 'unbzip2-stream/lib/bzip2' {
  import type bitIterator = require('unbzip2-stream/lib/bit_iterator');
  type BitReader = ReturnType<typeof bitIterator>;
  const bzip2: {
    /** Reads a stream header ("BZh" + level) and returns the block size in 100 kB units (1..9). */
    header(bits: BitReader): number;
    /**
     * Decodes one block, calling `output` once per byte. Returns the running stream CRC, or `null`
     * at the end-of-stream marker. Throws on corrupt data.
     */
    decompress(bits: BitReader, output: (byte: number) => void, workspace: Int32Array, workspaceSize: number, streamCrc: number): number | null;
  };
  export = bzip2;
}
