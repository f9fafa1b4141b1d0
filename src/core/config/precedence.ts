/**
 * How the project's `[tool.init-lens]` table and the editor's settings combine, as Ruff's extension
 * does by default (`configurationPreference: editorFirst`): a setting the user set explicitly wins;
 * one left at its default gives way to the project's value; the project's value wins over defaults.
 *   rules:      `initLens.rules` per rule, over the table's `severity`, `select` and `ignore`;
 *   frameworks: each `initLens.frameworks.*` the user set, over the table's `frameworks` list;
 *   drift:      `initLens.driftThreshold` when set, over `drift-threshold`.
 * Exclusions add up: a file either list excludes is not analysed. The CLI has no settings: it
 * takes the table over the defaults.
 */
import type { AdviceOptions } from '../advice/advise';
import { RULE_LIST } from '../advice/rules';
import type { EnabledFrameworks, FrameworkId } from '../frameworks/registry';
import type { ProjectConfig } from './projectConfig';
import type { RuleLevels } from './ruleLevels';

/** What the analysis of a file follows. */
export interface CheckSettings {
  frameworks: EnabledFrameworks;
  advice: AdviceOptions;
  /** Per-rule levels (rules not listed keep advice's severity). */
  rules: RuleLevels;
}

/** Which of the settings the user set explicitly (in any scope): those keep their value. */
export interface ExplicitSettings {
  frameworks: readonly FrameworkId[];
  driftThreshold: boolean;
}

/** No setting set explicitly: the CLI's case. */
export const NOTHING_EXPLICIT: ExplicitSettings = { frameworks: [], driftThreshold: false };

/** The project's per-rule levels: `select` and `ignore` turn rules off, `severity` gives levels (or off). */
export function projectRuleLevels(project: ProjectConfig): RuleLevels {
  const levels: RuleLevels = {};
  for (const { code } of RULE_LIST) {
    const selected = project.select === undefined || project.select.includes(code);
    if (!selected || project.ignore?.includes(code)) {
      levels[code] = 'off';
    } else if (project.severity?.[code] !== undefined) {
      levels[code] = project.severity[code];
    }
  }
  return levels;
}

/** The settings in force for a file of the project: `settings` with the project's values where the user set none. */
export function withProject(settings: CheckSettings, project: ProjectConfig | undefined, explicit: ExplicitSettings = NOTHING_EXPLICIT): CheckSettings {
  if (!project) {
    return settings;
  }
  const frameworks: EnabledFrameworks = { ...settings.frameworks };
  if (project.frameworks) {
    for (const id of ['pytorch', 'keras', 'flax'] as const) {
      if (!explicit.frameworks.includes(id)) {
        frameworks[id] = project.frameworks.includes(id);
      }
    }
  }
  const driftThreshold = project.driftThreshold !== undefined && !explicit.driftThreshold ? project.driftThreshold : settings.advice.driftThreshold;
  return {
    frameworks,
    advice: { ...settings.advice, driftThreshold },
    rules: { ...projectRuleLevels(project), ...settings.rules },
  };
}
