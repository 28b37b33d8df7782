import { z } from 'zod';
import { parseEventTimestamp } from './timestamps';

/*
 * Cloudify event and log documents as published on `cloudify-events` / `cloudify-logs`
 * (reference: data-model.md §11). Context keys vary by source, so known keys are typed and any
 * other key (the policy engine's hyphenated `blueprint-id`, `trigger-parameters`) passes through.
 */

export const eventTimestampSchema = z
  .string()
  .refine((text) => parseEventTimestamp(text) !== undefined, {
    message: 'timestamp must look like "YYYY-MM-DD HH:MM:SS.mmm+0000"',
  });

const nullableString = z.string().nullable();

export const taskErrorCauseSchema = z.looseObject({
  message: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
  traceback: z.string().nullable().optional(),
});

export const eventContextSchema = z.looseObject({
  blueprint_id: nullableString.optional(),
  deployment_id: nullableString.optional(),
  execution_id: nullableString.optional(),
  workflow_id: nullableString.optional(),
  task_id: nullableString.optional(),
  task_name: nullableString.optional(),
  task_queue: nullableString.optional(),
  task_target: nullableString.optional(),
  operation: nullableString.optional(),
  plugin: nullableString.optional(),
  node_id: nullableString.optional(),
  node_name: nullableString.optional(),
  source_id: nullableString.optional(),
  source_name: nullableString.optional(),
  target_id: nullableString.optional(),
  target_name: nullableString.optional(),
  task_current_retries: z.number().int().nullable().optional(),
  task_total_retries: z.number().int().nullable().optional(),
  task_error_causes: z.array(taskErrorCauseSchema).nullable().optional(),
  group: nullableString.optional(),
  policy: nullableString.optional(),
  trigger: nullableString.optional(),
});

export const EVENT_TYPES = [
  'workflow_started',
  'workflow_succeeded',
  'workflow_failed',
  'workflow_cancelled',
  'workflow_stage',
  'workflow_node_event',
  'sending_task',
  'task_started',
  'task_succeeded',
  'task_rescheduled',
  'task_failed',
  'plugin_event',
  'policy',
  'processing_trigger',
  'trigger_succeeded',
  'trigger_failed',
] as const;

export const eventTypeSchema = z.enum(EVENT_TYPES);

/** Event types that end a workflow execution: a tail follows events until one of these. */
export const WORKFLOW_END_EVENT_TYPES = ['workflow_succeeded', 'workflow_failed', 'workflow_cancelled'] as const;

export const cloudifyEventSchema = z.object({
  type: z.literal('cloudify_event'),
  event_type: eventTypeSchema,
  timestamp: eventTimestampSchema,
  message_code: z.string().nullable().optional(),
  message: z.looseObject({
    text: z.string().nullable(),
    // Workflow/task events carry `arguments`; policy-engine events carry `args` (data-model.md §11.4).
    arguments: z.record(z.string(), z.unknown()).nullable().optional(),
    args: z.unknown().optional(),
  }),
  context: eventContextSchema,
});

export const LOG_LEVELS = ['debug', 'info', 'warning', 'warn', 'error', 'critical'] as const;

export const cloudifyLogSchema = z.object({
  type: z.literal('cloudify_log'),
  timestamp: eventTimestampSchema,
  message_code: z.string().nullable().optional(),
  logger: z.string().min(1),
  level: z.enum(LOG_LEVELS),
  message: z.looseObject({ text: z.string().nullable() }),
  context: eventContextSchema,
});

export type EventContext = z.infer<typeof eventContextSchema>;
export type EventType = z.infer<typeof eventTypeSchema>;
export type CloudifyEvent = z.infer<typeof cloudifyEventSchema>;
export type CloudifyLog = z.infer<typeof cloudifyLogSchema>;
export type LogLevel = (typeof LOG_LEVELS)[number];
