/**
 * Every setting of Init Lens in one place: type, default, bounds and description, as `package.json`'s
 * `contributes.configuration` declares them, and which ones an untrusted workspace may not set
 * (`capabilities.untrustedWorkspaces.restrictedConfigurations`); a unit test keeps the two equal.
 * `settingValue` enforces the schema on what the configuration returns, since a settings file can
 * hold anything. No `vscode` import, so the schema is testable in plain Node.
 */
import { RULE_LIST } from '../core/advice/rules';
import { RULE_LEVELS, ruleLevelsOf } from '../core/config/ruleLevels';

/** One setting's declaration. */
export interface SettingSchema {
  type: 'boolean' | 'number' | 'string' | 'array' | 'object';
  default: boolean | number | string | string[] | Record<string, string>;
  enum?: string[];
  /** For an object: the enum every value is held to, and the names its keys are held to. */
  additionalProperties?: { type: 'string'; enum: readonly string[] };
  propertyNames?: { enum: readonly string[] };
  minimum?: number;
  maximum?: number;
  /** A workspace could abuse it (resource use, what is analysed): ignored in untrusted workspaces. */
  restricted?: boolean;
  description: string;
}

/** The settings, by key under `initLens.`. */
export const SETTINGS = {
  'frameworks.pytorch': { type: 'boolean', default: true, description: 'Analyse PyTorch model files.' },
  'frameworks.keras': { type: 'boolean', default: true, description: 'Analyse Keras model files (Keras 3 and tf.keras).' },
  'frameworks.flax': { type: 'boolean', default: true, description: 'Analyse Flax model files (linen and nnx).' },
  'severity.mismatch': {
    type: 'string',
    default: 'warning',
    enum: ['error', 'warning', 'information', 'hint'],
    description: 'Severity of an init that does not fit its activation when the predicted drift over the stack exceeds the threshold.',
  },
  'severity.minor': {
    type: 'string',
    default: 'information',
    enum: ['warning', 'information', 'hint'],
    description: 'Severity of a mismatch whose drift stays under the threshold, and of the recurrent and residual advice.',
  },
  driftThreshold: {
    type: 'number',
    default: 4,
    minimum: 1.1,
    maximum: 1000,
    description:
      'Predicted change of the signal over a stack of layers (either way, forward and backward) from which a mismatch is reported at the mismatch severity.',
  },
  'inlayHints.enabled': {
    type: 'boolean',
    default: true,
    description: 'Show the init in force and its per-layer effect after each layer definition (also follows editor.inlayHints.enabled).',
  },
  'inlayHints.verbosity': {
    type: 'string',
    default: 'compact',
    enum: ['compact', 'short', 'full'],
    description:
      'Compact hints (`He ✓`, `⚠ ×0.17`, the details in the tooltip), short ones that name the activation (`He·N ✓ ReLU`), or full ones that add the drift over the stack.',
  },
  exclude: {
    type: 'array',
    default: ['**/site-packages/**', '**/.venv/**', '**/node_modules/**'],
    restricted: true,
    description: 'Glob patterns of files Init Lens does not analyse.',
  },
  extraPaths: {
    type: 'array',
    default: [],
    restricted: true,
    description:
      "Folders searched for absolute imports after the file's package root, the workspace folders and their src/ folders (as python.analysis.extraPaths); relative paths are taken from the first workspace folder.",
  },
  stubPaths: {
    type: 'array',
    default: [],
    restricted: true,
    description:
      "Folders of your own model stubs: Python files that describe the blocks of your company's libraries as plain model code (their layers, init and activations), laid out as packages (mycorp/layers.py for mycorp.layers). Searched after the workspace; they win over the stubs bundled with Init Lens. Relative paths are taken from the first workspace folder.",
  },
  maxFileSize: {
    type: 'number',
    default: 2000000,
    minimum: 1000,
    maximum: 10000000,
    restricted: true,
    description: 'Files larger than this many characters are skipped, with one information message.',
  },
  analysisTimeoutMs: {
    type: 'number',
    default: 5000,
    minimum: 500,
    maximum: 60000,
    restricted: true,
    description:
      "Wall-clock budget of one file's analysis, in milliseconds. A file whose analysis takes longer is not analysed and gets an information note at line 1 saying so.",
  },
  analysisMemoryLimitMb: {
    type: 'number',
    default: 512,
    minimum: 128,
    maximum: 4096,
    restricted: true,
    description:
      'Heap limit of the analysis worker, in MB. A file whose analysis passes it is not analysed and gets an information note at line 1 saying so; the worker restarts for the next files.',
  },
  rules: {
    type: 'object',
    default: {},
    additionalProperties: { type: 'string', enum: RULE_LEVELS },
    propertyNames: { enum: RULE_LIST.map((rule) => rule.code) },
    description:
      'Level of each rule, by code: off, hint, information, warning or error (for example {"init-residual": "off"}). Overrides the [tool.init-lens] table of pyproject.toml and initLens.severity.* for that rule.',
  },
  diagnosticMode: {
    type: 'string',
    default: 'openFilesOnly',
    enum: ['openFilesOnly', 'workspace'],
    description:
      'openFilesOnly: report findings of open files only, as Pylance and Ruff do by default. workspace: also scan every Python file of the workspace so the Problems panel lists every finding.',
  },
} as const satisfies Record<string, SettingSchema>;

export type SettingKey = keyof typeof SETTINGS;

/**
 * A setting's value as the schema allows it: the default for a value of the wrong type, of no
 * listed enum member, or a non-finite number; a number clamped into [minimum, maximum]; an array
 * with its non-string items left out.
 */
export function settingValue<K extends SettingKey>(key: K, value: unknown): (typeof SETTINGS)[K]['default'] {
  const schema: SettingSchema = SETTINGS[key];
  const fallback = SETTINGS[key].default;
  switch (schema.type) {
    case 'boolean':
      return typeof value === 'boolean' ? (value as typeof fallback) : fallback;
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return fallback;
      }
      return Math.min(schema.maximum ?? Infinity, Math.max(schema.minimum ?? -Infinity, value)) as typeof fallback;
    }
    case 'string':
      return typeof value === 'string' && (schema.enum === undefined || schema.enum.includes(value)) ? (value as typeof fallback) : fallback;
    case 'array':
      return Array.isArray(value) ? (value.filter((item): item is string => typeof item === 'string') as unknown as typeof fallback) : fallback;
    case 'object':
      // The only object setting is `rules`: entries that are no rule code or no level are left out.
      return ruleLevelsOf(value) as unknown as typeof fallback;
  }
}
