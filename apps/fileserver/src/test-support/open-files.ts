// Which files this process holds open (Linux /proc), to prove a failed stream closed its file.
import { readdir, readlink } from 'node:fs/promises';

/** Polls this process's open descriptors until none is `path`; false if one still is after 2 s. */
export async function waitUntilClosed(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const fds = await readdir('/proc/self/fd');
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
    if (!targets.includes(path)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
