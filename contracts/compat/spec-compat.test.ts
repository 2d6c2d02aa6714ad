import { describe, expect, it } from 'vitest';
import { buildSpec } from '../openapi/build-spec.js';
import { findBreakingChanges, formatBreakingChanges, readLastReleased } from './spec-compat.js';

type AnySpec = Parameters<typeof findBreakingChanges>[0];
const current = () => structuredClone(buildSpec()) as AnySpec & { components: { schemas: Record<string, any> } };

describe('compatibility with the last released spec', () => {
  it('the contracts break nothing the last released spec promised', () => {
    const { version, spec } = readLastReleased();
    const changes = findBreakingChanges(spec, buildSpec() as AnySpec);
    expect(changes, `Breaking changes against released ${version}:\n${formatBreakingChanges(changes)}`).toEqual([]);
  });
});

describe('findBreakingChanges catches each kind of break', () => {
  const released = current();

  it('a removed request field', () => {
    const next = current();
    delete next.components.schemas.HeartbeatStatus.properties.disk_usage;
    expect(findBreakingChanges(released, next)).toContainEqual({ where: 'POST /api/agents/heartbeat request/status/disk_usage', what: 'field removed' });
  });

  it('a narrowed range in a request', () => {
    const next = current();
    next.components.schemas.HeartbeatStatus.properties.cpu_usage.maximum = 90;
    expect(findBreakingChanges(released, next)).toContainEqual({
      where: 'POST /api/agents/heartbeat request/status/cpu_usage',
      what: 'maximum narrowed: 100 -> 90',
    });
  });

  it('a new required request field', () => {
    const next = current();
    next.components.schemas.HeartbeatRequest.required.push('status');
    expect(findBreakingChanges(released, next)).toContainEqual({ where: 'POST /api/agents/heartbeat request/status', what: 'new required field' });
  });

  it('a removed enum value in a request', () => {
    const next = current();
    next.components.schemas.DiskHealth.enum = ['Healthy', 'Warning', 'Unhealthy', 'Unknown'];
    const changes = findBreakingChanges(released, next);
    expect(changes.some((c) => c.what === 'enum value "Critical" removed')).toBe(true);
  });

  it('a response field removed, made optional, or made nullable', () => {
    const next = current();
    delete next.components.schemas.HeartbeatResponse.properties.received_at;
    next.components.schemas.RegisterResponse.required = ['asset_id', 'agent_token'];
    next.components.schemas.RegisterResponse.properties.heartbeat_interval_s.type = ['integer', 'null'];
    const text = formatBreakingChanges(findBreakingChanges(released, next));
    expect(text).toContain('POST /api/agents/heartbeat 200/received_at: field removed');
    expect(text).toContain('POST /api/agents/register 201/heartbeat_interval_s: no longer required');
    expect(text).toContain('POST /api/agents/register 201/heartbeat_interval_s: may now be null');
  });

  it('widening a request or adding an optional field is not breaking', () => {
    const next = current();
    next.components.schemas.HeartbeatStatus.properties.cpu_usage.maximum = 200;
    next.components.schemas.HeartbeatStatus.properties.gpu_usage = { type: 'number' };
    next.components.schemas.DiskHealth.enum.push('Degraded');
    expect(findBreakingChanges(released, next)).toEqual([]);
  });

  it('a removed operation', () => {
    const next = current() as AnySpec & { paths: Record<string, unknown> };
    delete next.paths['/api/agents/{asset_id}/recovery-keys'];
    expect(findBreakingChanges(released, next)).toContainEqual({ where: 'GET /api/agents/{asset_id}/recovery-keys', what: 'operation removed' });
  });
});
