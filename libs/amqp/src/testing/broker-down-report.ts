import { z } from 'zod';

/** What broker-down-scenario.ts prints. */
export const scenarioReportSchema = z.object({
  canaryCaught: z.boolean(),
  unhandled: z.array(z.string()),
  ready: z.object({ name: z.string(), retryable: z.boolean(), causeCode: z.string().optional() }),
  publish: z.object({ name: z.string(), retryable: z.boolean() }),
  consumerStopped: z.boolean(),
});
export type ScenarioReport = z.infer<typeof scenarioReportSchema>;
