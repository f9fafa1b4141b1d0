/**
 * Typed access to the settings (rust-analyzer's config.ts pattern): one read per change, and a
 * list of which keys a feature depends on so it refreshes only when they change.
 */
import * as vscode from 'vscode';
import type { AdviceOptions } from '../core/advice/advise';
import type { HintVerbosity } from '../core/advice/hints';
import type { Severity } from '../core/advice/types';
import type { CheckSettings, ExplicitSettings } from '../core/config/precedence';
import type { RuleLevels } from '../core/config/ruleLevels';
import type { EnabledFrameworks, FrameworkId } from '../core/frameworks/registry';
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
  /** More folders searched for absolute imports (`initLens.extraPaths`). */
  extraPaths: string[];
  /** Folders of the user's own model stubs (`initLens.stubPaths`). */
  stubPaths: string[];
  maxFileSize: number;
  /** Wall-clock budget of one file's analysis in the worker. */
  analysisTimeoutMs: number;
  /** Heap cap of the analysis worker. */
  analysisMemoryLimitMb: number;
  /** Per-rule levels (`initLens.rules`). */
  rules: RuleLevels;
  /** `openFilesOnly` (findings of open files) or `workspace` (the workspace scan too). */
  diagnosticMode: 'openFilesOnly' | 'workspace';
  /** Which settings the user set, so a project's `[tool.init-lens]` table gives way to them. */
  explicit: ExplicitSettings;
}

/** What the analysis of a file follows, from the settings alone (a project's table is merged in later). */
export function checkSettings(settings: Settings): CheckSettings {
  return { frameworks: settings.frameworks, advice: settings.advice, rules: settings.rules };
}

/** True when the key has a value in any scope (user, workspace, folder, or per language). */
function isSet(config: vscode.WorkspaceConfiguration, key: SettingKey): boolean {
  const inspected = config.inspect(key);
  return [
    inspected?.globalValue,
    inspected?.workspaceValue,
    inspected?.workspaceFolderValue,
    inspected?.globalLanguageValue,
    inspected?.workspaceLanguageValue,
    inspected?.workspaceFolderLanguageValue,
  ].some((value) => value !== undefined);
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
    extraPaths: [...(read(config, 'extraPaths') as readonly string[])],
    stubPaths: [...(read(config, 'stubPaths') as readonly string[])],
    maxFileSize: read(config, 'maxFileSize') as number,
    analysisTimeoutMs: read(config, 'analysisTimeoutMs') as number,
    analysisMemoryLimitMb: read(config, 'analysisMemoryLimitMb') as number,
    rules: read(config, 'rules') as RuleLevels,
    diagnosticMode: read(config, 'diagnosticMode') as Settings['diagnosticMode'],
    explicit: {
      frameworks: (['pytorch', 'keras', 'flax'] as const).filter((id: FrameworkId) => isSet(config, `frameworks.${id}`)),
      driftThreshold: isSet(config, 'driftThreshold'),
    },
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
