import type { IndexTemplate } from '@cfy/es';
import { indexBaseName, type StreamKind } from './index-names';

/** Bumped whenever the template below changes; stored with it for operators. */
export const TEMPLATE_VERSION = 1;

/** Longest string indexed as a keyword; longer values stay in _source only (Lucene's limit is 32 KiB). */
const KEYWORD_LIMIT = 1_024;

/*
 * Mappings, for the searches GET /events makes (exact matches on context ids, time ranges, text):
 * - `context.*` strings are keywords (known keys explicitly, unknown ones through a dynamic template);
 * - `message.text` is full text with a `keyword` subfield for exact matches and sorting;
 * - free-form payloads (`message.arguments`, policy `message.args`, `context.task_error_causes`,
 *   `context.trigger-parameters`) are kept in _source but not indexed (enabled: false), so their
 *   varying shapes can never cause a mapping conflict;
 * - top-level keys outside the contract are kept in _source and not indexed (dynamic: false).
 * Single shard and no replica (one node), refresh as configured.
 */
const CONTEXT_KEYWORDS = [
  'blueprint_id',
  'blueprint-id',
  'deployment_id',
  'execution_id',
  'workflow_id',
  'task_id',
  'task_name',
  'task_queue',
  'task_target',
  'operation',
  'plugin',
  'node_id',
  'node_name',
  'source_id',
  'source_name',
  'target_id',
  'target_name',
  'group',
  'policy',
  'trigger',
] as const;

const keyword = { type: 'keyword', ignore_above: KEYWORD_LIMIT } as const;
const notIndexed = { type: 'object', enabled: false } as const;

/**
 * The index template of one stream's daily indices (`<prefix>cloudify-<kind>-*`).
 * @param refreshInterval Elasticsearch time value, e.g. `1s`
 * @example indexTemplate('', 'events', '1s').indexPatterns // ['cloudify-events-*']
 */
export function indexTemplate(prefix: string, kind: StreamKind, refreshInterval: string): IndexTemplate {
  const base = indexBaseName(prefix, kind);
  return {
    name: base,
    indexPatterns: [`${base}-*`],
    priority: 100,
    version: TEMPLATE_VERSION,
    settings: {
      number_of_shards: 1,
      number_of_replicas: 0,
      refresh_interval: refreshInterval,
    },
    mappings: {
      dynamic: 'false',
      properties: {
        '@timestamp': { type: 'date' },
        '@version': { type: 'keyword' },
        tags: { type: 'keyword' },
        type: { type: 'keyword' },
        event_type: { type: 'keyword' },
        // The producer's own text form ("2016-08-02 11:39:24.813+0000"); sorts like the time it names.
        timestamp: { type: 'keyword' },
        message_code: { type: 'keyword' },
        logger: { type: 'keyword' },
        level: { type: 'keyword' },
        message: {
          type: 'object',
          dynamic: 'false',
          properties: {
            text: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 8_191 } } },
            arguments: notIndexed,
            args: notIndexed,
          },
        },
        context: {
          type: 'object',
          dynamic: 'true',
          properties: {
            ...Object.fromEntries(CONTEXT_KEYWORDS.map((key) => [key, keyword])),
            task_current_retries: { type: 'long' },
            task_total_retries: { type: 'long' },
            task_error_causes: notIndexed,
            'trigger-parameters': notIndexed,
          },
        },
      },
      dynamic_templates: [{ context_strings: { path_match: 'context.*', match_mapping_type: 'string', mapping: keyword } }],
    },
  };
}
