// Typed wrappers over the connections panel's Tauri commands and the
// `connection-changed` push (kept beside the panel, as ../api.ts is shared).
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AwsProfiles } from '../bindings/AwsProfiles';
import type { ConnectionSpec } from '../bindings/ConnectionSpec';
import type { ConnectionsOverview } from '../bindings/ConnectionsOverview';

/** The current connection and the saved ones (the local system first). */
export function connectionsOverview(): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('connections_overview');
}

/** The user's AWS profiles (names, regions, SSO; never secrets) and the regions. */
export function awsProfiles(): Promise<AwsProfiles> {
  return invoke<AwsProfiles>('aws_profiles');
}

/** What a connection reaches, in words; rejects with why it cannot. */
export function testConnection(spec: ConnectionSpec): Promise<string> {
  return invoke<string>('test_connection', { spec });
}

/** Switches to a saved connection (`local`: the local system). */
export function switchConnection(id: string): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('switch_connection', { id });
}

export function saveConnection(name: string, spec: ConnectionSpec): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('save_connection', { name, spec });
}

export function renameConnection(id: string, name: string): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('rename_connection', { id, name });
}

export function deleteConnection(id: string): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('delete_connection', { id });
}

export function startLocalSystem(): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('start_local_system');
}

export function stopLocalSystem(): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('stop_local_system');
}

/** Deletes the local system's data and starts it afresh (ask first). */
export function resetLocalSystem(): Promise<ConnectionsOverview> {
  return invoke<ConnectionsOverview>('reset_local_system');
}

/**
 * The connection was switched, started, stopped or reset: pushed after the
 * old connection's live loop has ended, before the new one's first push.
 */
export function onConnectionChanged(handler: (overview: ConnectionsOverview) => void): Promise<UnlistenFn> {
  return listen<ConnectionsOverview>('connection-changed', (event) => handler(event.payload));
}

/** Whether an overview says the local system is stopped. */
export function isStopped(overview: ConnectionsOverview | null): boolean {
  return overview?.current.local === 'stopped';
}
