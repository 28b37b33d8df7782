/**
 * Content types for the files a Cloudify manager serves, by name suffix (longest first). YAML is
 * `text/yaml`: agents and the CLI ignore the type, and browsers show text/* inline. Names not listed
 * here get the type `send` derives from the extension (application/octet-stream when unknown).
 */
const TYPES_BY_SUFFIX: ReadonlyArray<readonly [string, string]> = [
  ['.tar.gz', 'application/gzip'],
  ['.tar.bz2', 'application/x-bzip2'],
  ['.tgz', 'application/gzip'],
  ['.tbz2', 'application/x-bzip2'],
  ['.gz', 'application/gzip'],
  ['.bz2', 'application/x-bzip2'],
  ['.tar', 'application/x-tar'],
  ['.zip', 'application/zip'],
  // Wagons (plugin packages) are tar.gz archives.
  ['.wgn', 'application/gzip'],
  ['.yaml', 'text/yaml; charset=utf-8'],
  ['.yml', 'text/yaml; charset=utf-8'],
  // Riemann policy and trigger sources.
  ['.clj', 'text/plain; charset=utf-8'],
];

/** @example contentTypeFor('bp1.tar.gz') // 'application/gzip'; contentTypeFor('x.bin') // undefined */
export function contentTypeFor(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return TYPES_BY_SUFFIX.find(([suffix]) => lower.endsWith(suffix))?.[1];
}
