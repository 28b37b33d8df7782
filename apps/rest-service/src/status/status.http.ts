import { Router } from 'express';
import { type StatusTarget, managerStatus } from './status';
import type { VersionInfo } from './version';

export interface StatusRoutesOptions {
  readonly targets: readonly StatusTarget[];
  readonly version: VersionInfo;
  /** Limit of each status probe, in ms. Default 2 000. */
  readonly probeTimeoutMs?: number;
}

/** `GET /status` and `GET /version` (rest-api §6.13), identical in every API version. */
export function statusRoutes(options: StatusRoutesOptions): Router {
  const router = Router();
  router.get('/status', async (_req, res) => {
    res.json(await managerStatus(options.targets, options.probeTimeoutMs ?? 2_000));
  });
  router.get('/version', (_req, res) => {
    res.json(options.version);
  });
  return router;
}
