import type { Express } from 'express';

/** Produces the body of `GET /stats`. */
export type StatsSource = () => Promise<unknown>;

/** `GET /stats`: the indexer's counters as JSON (Logstash's liveness port showed the same kind of numbers). */
export function statsRoutes(stats: StatsSource): (app: Express) => void {
  return (app) => {
    app.get('/stats', async (_req, res) => {
      res.json(await stats());
    });
  };
}
