// Builders of blueprint archives for tests, including malicious ones (traversal names, links,
// bombs, truncation) that archiving libraries refuse to produce: hence hand-written tar and zip.
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink';

export interface TarEntry {
  readonly name: string;
  readonly type?: TarEntryType;
  readonly content?: string | Buffer;
  /** Target of a symlink or hardlink. */
  readonly linkname?: string;
}

const BLOCK = 512;
const TYPE_FLAGS: Record<TarEntryType, string> = { file: '0', directory: '5', symlink: '2', hardlink: '1' };

/** A POSIX ustar archive holding exactly `entries`, names written as given. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content = type === 'file' ? toBuffer(entry.content ?? '') : Buffer.alloc(0);
    parts.push(tarHeader(entry.name, type, content.length, entry.linkname ?? ''));
    parts.push(content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function tarHeader(name: string, type: TarEntryType, size: number, linkname: string): Buffer {
  const header = Buffer.alloc(BLOCK);
  const write = (value: string, offset: number, length: number): void => {
    header.write(value.slice(0, length), offset, length, 'utf8');
  };
  const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  write(name, 0, 100);
  write(octal(type === 'directory' ? 0o755 : 0o644, 8), 100, 8);
  write(octal(0, 8), 108, 8);
  write(octal(0, 8), 116, 8);
  write(octal(size, 12), 124, 12);
  write(octal(1_700_000_000, 12), 136, 12);
  write('        ', 148, 8);
  write(TYPE_FLAGS[type], 156, 1);
  write(linkname, 157, 100);
  write('ustar\0', 257, 6);
  write('00', 263, 2);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

export interface ZipEntry {
  readonly name: string;
  readonly content?: string | Buffer;
  /** Deflate the content (default: stored). */
  readonly deflate?: boolean;
  /** A Unix symlink whose target is `content`. */
  readonly symlink?: boolean;
}

/** A zip archive (no zip64) holding exactly `entries`, names written as given. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const raw = toBuffer(entry.content ?? '');
    const data = entry.deflate ? deflateRawSync(raw) : raw;
    const method = entry.deflate ? 8 : 0;
    const crc = crc32(raw);
    const isDirectory = entry.name.endsWith('/');
    const mode = entry.symlink ? 0o120777 : isDirectory ? 0o40755 : 0o100644;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((mode << 16) | (isDirectory ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** gzip of `data`. */
export function gzip(data: Buffer): Buffer {
  return gzipSync(data);
}

function toBuffer(content: string | Buffer): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

/** A valid 3.4-style blueprint: Cloudify types URL import, a relative import and a script. */
export const SAMPLE_BLUEPRINT_YAML = `tosca_definitions_version: cloudify_dsl_1_3
description: Web server on an existing host
imports:
  - http://www.getcloudify.org/spec/cloudify/3.4/types.yaml
  - types/web.yaml
inputs:
  port:
    description: The port to listen on
    default: 8080
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties:
      ip: 127.0.0.1
      agent_config:
        install_method: none
  web:
    type: web.Server
    properties:
      port: { get_input: port }
    interfaces:
      cloudify.interfaces.lifecycle:
        start: scripts/start.sh
    relationships:
      - type: cloudify.relationships.contained_in
        target: host
outputs:
  endpoint:
    value: { concat: ['http://', { get_attribute: [host, ip] }, ':', { get_input: port }] }
`;

export const SAMPLE_TYPES_YAML = `node_types:
  web.Server:
    derived_from: cloudify.nodes.WebServer
    properties:
      port:
        type: integer
`;

export const SAMPLE_SCRIPT = '#!/bin/bash\nctx logger info "starting the web server"\n';

/** The files of the sample blueprint under one top-level directory `dir`. */
export function sampleBlueprintEntries(dir = 'webserver', overrides: Readonly<Record<string, string>> = {}): TarEntry[] {
  const files: Record<string, string> = {
    'blueprint.yaml': SAMPLE_BLUEPRINT_YAML,
    'types/web.yaml': SAMPLE_TYPES_YAML,
    'scripts/start.sh': SAMPLE_SCRIPT,
    ...overrides,
  };
  return [
    { name: `${dir}/`, type: 'directory' },
    { name: `${dir}/types/`, type: 'directory' },
    { name: `${dir}/scripts/`, type: 'directory' },
    ...Object.entries(files).map(([path, content]) => ({ name: `${dir}/${path}`, content })),
  ];
}

/** The sample blueprint as a tar.gz. */
export function sampleBlueprintTarGz(overrides: Readonly<Record<string, string>> = {}): Buffer {
  return gzip(tar(sampleBlueprintEntries('webserver', overrides)));
}
