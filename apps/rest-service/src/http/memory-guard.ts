import { freemem } from 'node:os';
import type { RequestHandler } from 'express';
import { InsufficientMemoryError } from '../errors';

const MIB = 1024 * 1024;

/**
 * 3.4's guard before stored-document lists (rest-api §1): with less than `minAvailableMb` of
 * available memory, the list is refused with 400 `insufficient_memory_error`. 0 disables it.
 * @param availableBytes default `os.freemem()` (MemAvailable on Linux)
 * @example router.get('/blueprints', memoryGuard(512), listHandler)
 */
export function memoryGuard(minAvailableMb: number, availableBytes: () => number = freemem): RequestHandler {
  return (_req, _res, next) => {
    if (minAvailableMb > 0) {
      const availableMb = Math.floor(availableBytes() / MIB);
      if (availableMb < minAvailableMb) throw new InsufficientMemoryError(minAvailableMb, availableMb);
    }
    next();
  };
}
