/**
 * Typed access to the settings (rust-analyzer's config.ts pattern): one read per change, and a
 * list of which keys a feature depends on so it refreshes only when they change.
 */
import * as vscode from 'vscode';
import type { AdviceOptions } from '../core/advice/advise';
import type { HintVerbosity } from '../core/advice/hints';
import type { Severity } from '../core/advice/types';
import type { EnabledFrameworks } from '../core/frameworks/registry';
import { SETTINGS, settingValue, type SettingKey } from './settingsSchema';

export const SECTION = 'initLens';

/** The settings in force. */
export interface Settings {
  /** Which frameworks are analysed (`initLens.frameworks.*`). */
  frameworks: EnabledFrameworks;
  advice: AdviceOptions;
  hintsEnabled: boolean;
  hintVerbosity: HintVerbosity;
  exclude: string[];
  maxFileSize: number;
  workspaceScan: boolean;
}

/** A setting's value, held to its schema (type, enum, bounds): a settings file can hold anything. */
function read<K extends SettingKey>(config: vscode.WorkspaceConfiguration, key: K): (typeof SETTINGS)[K]['default'] {
  return settingValue(key, config.get<unknown>(key, SETTINGS[key].default));
}

/** Reads every setting (for a document's folder when given). */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);

  return {
    frameworks: {
      pytorch: read(config, 'frameworks.pytorch') as boolean,
      keras: read(config, 'frameworks.keras') as boolean,
      flax: read(config, 'frameworks.flax') as boolean,
    },
    advice: {
      driftThreshold: read(config, 'driftThreshold') as number,
      factorTolerance: 1.25,
      mismatchSeverity: read(config, 'severity.mismatch') as Severity,
      minorSeverity: read(config, 'severity.minor') as Severity,
    },
    hintsEnabled: read(config, 'inlayHints.enabled') as boolean,
    hintVerbosity: read(config, 'inlayHints.verbosity') as HintVerbosity,
    exclude: [...(read(config, 'exclude') as readonly string[])],
    maxFileSize: read(config, 'maxFileSize') as number,
    workspaceScan: read(config, 'workspaceScan.enabled') as boolean,
  };
}

/** True when at least one framework is analysed. */
export function anyFramework(settings: Settings): boolean {
  return Object.values(settings.frameworks).some((on) => on !== false);
}

/** True when the change touches one of the given keys (or any Init Lens key when none are given). */
export function affects(event: vscode.ConfigurationChangeEvent, keys: SettingKey[] = []): boolean {
  return keys.length === 0 ? event.affectsConfiguration(SECTION) : keys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}
