/**
 * Every setting of Init Lens in one place: type, default and description, as `package.json`'s
 * `contributes.configuration` declares them (a unit test keeps the two equal). No `vscode` import,
 * so the schema is testable in plain Node.
 */

/** One setting's declaration. */
export interface SettingSchema {
  type: 'boolean' | 'number' | 'string' | 'array';
  default: boolean | number | string | string[];
  enum?: string[];
  minimum?: number;
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
    default: 'short',
    enum: ['short', 'full'],
    description: 'Short hints (`He·N ✓ ReLU`) or full ones that add the drift over the stack.',
  },
  exclude: {
    type: 'array',
    default: ['**/site-packages/**', '**/.venv/**', '**/node_modules/**'],
    description: 'Glob patterns of files Init Lens does not analyse.',
  },
  maxFileSize: {
    type: 'number',
    default: 2000000,
    minimum: 1000,
    description: 'Files larger than this many characters are skipped, with one information message.',
  },
  'workspaceScan.enabled': {
    type: 'boolean',
    default: true,
    description: 'Scan the whole workspace for model files so the Problems panel lists every finding.',
  },
} as const satisfies Record<string, SettingSchema>;

export type SettingKey = keyof typeof SETTINGS;
