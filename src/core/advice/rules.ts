/**
 * The rule registry, as Ruff keeps its rules: for each rule its stable code, a short title, the
 * severity class the settings map to a severity, its README anchor, the source it follows, its
 * documentation (what it does, why it is bad, an example) and the messages advice builds with it.
 * Advice, the editor's diagnostics, the CLI, SARIF and the README's rules section all read this.
 */
import { fmt } from './formatNumber';

/** Every rule code advice can emit. */
export type RuleCode = 'init-relu' | 'init-tanh-sigmoid' | 'init-selu' | 'init-gain' | 'init-recurrent' | 'init-residual';

/**
 * How the settings give a finding its severity: `mismatch` takes `initLens.severity.mismatch` when the
 * drift over the stack passes the threshold and `initLens.severity.minor` under it; `minor` always
 * takes `initLens.severity.minor`.
 */
export type SeverityClass = 'mismatch' | 'minor';

/** A rule's documentation in Ruff's form; the examples are whole files the analysis is run on in tests. */
export interface RuleDocs {
  whatItDoes: string;
  whyIsThisBad: string;
  /** A file the rule reports. */
  example: string;
  /** The same file with the rule's advice applied: the rule reports nothing on it. */
  useInstead: string;
}

/** What every rule of the registry states. */
export interface RuleInfo {
  code: RuleCode;
  /** A PascalCase name (SARIF `name`). */
  name: string;
  /** One line (SARIF `shortDescription`, the README heading). */
  title: string;
  severityClass: SeverityClass;
  /** The id of the rule's anchor in the README. */
  anchor: string;
  /** The paper or framework documentation the rule follows (also shown in hovers). */
  source: string;
  docs: RuleDocs;
}

/** The numbers of a mismatch between a layer's init and the activation after it. */
export interface MismatchFacts {
  layer: string;
  /** The init in force (`default` for PyTorch's default init). */
  initName: string;
  activationName: string;
  /** The recommendation's short label (`He`, `Xavier·tanh`, …). */
  label: string;
  /** The recommendation as Keras or Flax writes it (`keras.initializers.HeNormal() ("he_normal")`), null for PyTorch. */
  spelled?: string | null;
  varianceNow: number | null;
  varianceWanted: number | null;
  /** σ_w² = fan_in·Var(W) now and as recommended, stated when the variances need sizes that do not resolve. */
  sigmaW2Now?: number | null;
  sigmaW2Wanted?: number | null;
  forwardFactor: number | null;
  forwardDrift: number | null;
  backwardDrift: number | null;
  depth: number;
  /** Set when the message states the layer's own factor compounded over the stack instead of the stack's drift. */
  compounded?: CompoundedFacts | null;
}

/**
 * A layer's own factor compounded over its stack, and why it is stated instead of the stack's drift:
 * the stack drifts through its `other layers` more than through this one, or its drift needs
 * `unresolved sizes` (a bias whose variance depends on the fan) or an `unresolved init`.
 */
export interface CompoundedFacts {
  factor: number;
  direction: 'forward' | 'backward';
  why: 'other layers' | 'unresolved sizes' | 'unresolved init';
}

/** The repository whose README documents the rules. */
export const DOCS_URL = 'https://github.com/init-lens/init-lens';

/** The link to a rule's documentation. */
export function ruleDocUrl(code: RuleCode): string {
  return `${DOCS_URL}#${RULES[code].anchor}`;
}

/** A number of a message, or `unknown` in words (never `?`, `NaN` or `Infinity`). */
function told(value: number | null): string {
  return value !== null && Number.isFinite(value) ? fmt(value) : 'unknown';
}

const known = (value: number | null | undefined): value is number => value !== null && value !== undefined && Number.isFinite(value);

/** Why the stack's drift is not the figure stated, in words. */
const COMPOUNDED_WHY: Record<CompoundedFacts['why'], string> = {
  'other layers': "the stack's drift comes mostly from its other layers",
  'unresolved sizes': "the stack's drift is not stated: it depends on layer sizes the analysis cannot resolve",
  'unresolved init': "the stack's drift is not stated: an init in it does not resolve",
};

/** The mismatch's effect: the factor per layer and the drift over the stack, each left out in words when unknown. */
function effect(m: MismatchFacts): string {
  const perLayer = known(m.forwardFactor) ? `×${fmt(m.forwardFactor)} per layer, ` : '';
  if (m.compounded) {
    const own = `×${fmt(m.compounded.factor)} ${m.compounded.direction} over the stack of ${m.depth} layers if each layer had this factor`;
    return `${perLayer}${own} (${COMPOUNDED_WHY[m.compounded.why]})`;
  }
  if (known(m.forwardDrift) && known(m.backwardDrift)) {
    return `${perLayer}×${fmt(m.forwardDrift)} forward and ×${fmt(m.backwardDrift)} backward over the stack of ${m.depth} layers`;
  }
  if (known(m.forwardDrift)) {
    return `${perLayer}×${fmt(m.forwardDrift)} forward over the stack of ${m.depth} layers (the backward drift does not resolve)`;
  }
  if (known(m.backwardDrift)) {
    return `${perLayer}×${fmt(m.backwardDrift)} backward over the stack of ${m.depth} layers (the forward drift does not resolve)`;
  }
  return `${perLayer}the drift over the stack of ${m.depth} layers is unknown`;
}

/** The init's size: Var(W) when it resolves, else fan_in·Var(W) when it does not depend on the sizes. */
function scaleNow(m: MismatchFacts): string {
  if (!known(m.varianceNow) && known(m.sigmaW2Now)) {
    return `fan_in·Var(W) = ${fmt(m.sigmaW2Now)} whatever the layer's sizes`;
  }
  return `Var(W) = ${told(m.varianceNow)}`;
}

function scaleWanted(m: MismatchFacts): string {
  if (known(m.varianceWanted)) {
    return fmt(m.varianceWanted);
  }
  return known(m.sigmaW2Wanted) ? `fan_in·Var(W) = ${fmt(m.sigmaW2Wanted)}` : "its scale depends on the layer's sizes, which do not resolve";
}

const mismatchMessages = {
  mismatch: (m: MismatchFacts): string => {
    const now = m.initName === 'default' ? 'the PyTorch default (kaiming_uniform a=√5)' : m.initName;
    const spelled = m.spelled ? `, written ${m.spelled}` : '';
    return `${m.layer}: ${now} gives ${scaleNow(m)}, but ${m.activationName} calls for ${m.label} (${scaleWanted(m)})${spelled}: ${effect(m)}.`;
  },
  fixTitle: (layer: string, label: string): string => `Use ${label} init for ${layer}`,
};

const TORCH_IMPORTS: readonly string[] = ['import torch', 'import torch.nn as nn'];

/** The two-layer PyTorch MLP the mismatch examples share, with `activation` between the layers. */
function mlpExample(activation: string, inits: readonly string[] = [], imports: readonly string[] = TORCH_IMPORTS): string {
  return [
    ...imports,
    '',
    '',
    'class MLP(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc1 = nn.Linear(512, 512)',
    '        self.fc2 = nn.Linear(512, 512)',
    '        self.out = nn.Linear(512, 10)',
    ...inits.map((line) => `        ${line}`),
    '',
    '    def forward(self, x):',
    `        x = ${activation}(self.fc1(x))`,
    `        x = ${activation}(self.fc2(x))`,
    '        return self.out(x)',
    '',
  ].join('\n');
}

/** Both hidden layers of `mlpExample` initialised by `call` (`{w}` stands for the weight). */
function bothLayers(call: string): readonly string[] {
  return ['self.fc1.weight', 'self.fc2.weight'].map((weight) => call.replace('{w}', weight));
}

/** The same advice in Keras' and Flax's words: a rule's docs never send a Keras or Flax user to `torch.nn.init`. */
function inKerasAndFlax(keras: string, flax: string): string {
  return ` In Keras: \`kernel_initializer=${keras}\`; in Flax: \`kernel_init=${flax}\` (jax.nn.initializers).`;
}

const MISMATCH_WHY =
  'Each layer multiplies the variance of the signal by its factor σ_w²·E[φ(z)²] forward and ' +
  '(fan_out/fan_in)·σ_w²·E[φ′(z)²] backward; a factor away from 1 compounds over the stack, so activations ' +
  'and gradients vanish or explode with depth (Poole et al. 2016, arXiv 1606.05340).';

/**
 * The registry, in the order the rules are documented. Each entry keeps the precise types of its
 * message builders, so advice calls them with checked arguments.
 */
export const RULES = {
  'init-relu': {
    code: 'init-relu',
    name: 'ReluInit',
    title: 'ReLU-family activation after a weight whose init is not He/Kaiming',
    severityClass: 'mismatch',
    anchor: 'rule-init-relu',
    source: 'He et al. 2015, "Delving Deep into Rectifiers" (arXiv 1502.01852); torch.nn.init.kaiming_normal_',
    docs: {
      whatItDoes:
        "Checks that a weight followed by ReLU, leaky ReLU or PReLU has He/Kaiming init: `kaiming_normal_(w, nonlinearity='relu')`, " +
        "or `a=slope, nonlinearity='leaky_relu'` with the activation's slope." +
        inKerasAndFlax('"he_normal"', 'nn.initializers.he_normal()'),
      whyIsThisBad: `ReLU zeroes half of its input, so it needs Var(W) = 2/fan_in to keep the signal's scale; PyTorch's default gives 1/(3·fan_in), a factor 1/6 per layer. ${MISMATCH_WHY}`,
      example: mlpExample('torch.relu'),
      useInstead: mlpExample('torch.relu', bothLayers('nn.init.kaiming_normal_({w}, nonlinearity="relu")')),
    },
    messages: mismatchMessages,
  },
  'init-tanh-sigmoid': {
    code: 'init-tanh-sigmoid',
    name: 'TanhSigmoidInit',
    title: "tanh or sigmoid after a weight whose init is not Xavier/Glorot with PyTorch's gain",
    severityClass: 'mismatch',
    anchor: 'rule-init-tanh-sigmoid',
    source: 'Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward networks"; torch.nn.init.xavier_uniform_ with calculate_gain',
    docs: {
      whatItDoes:
        "Checks that a weight followed by tanh or sigmoid has Xavier/Glorot init with PyTorch's gain: " +
        "`xavier_uniform_(w, gain=nn.init.calculate_gain('tanh'))` (gain 5/3), or gain 1 for sigmoid." +
        ' In Keras: `kernel_initializer=keras.initializers.VarianceScaling(scale=25/9, mode="fan_avg", distribution="uniform")` for tanh, ' +
        '`"glorot_uniform"` for sigmoid; in Flax: `kernel_init=nn.initializers.variance_scaling(25/9, "fan_avg", "uniform")` for tanh, ' +
        '`nn.initializers.glorot_uniform()` for sigmoid (jax.nn.initializers).',
      whyIsThisBad: `Glorot & Bengio 2010 balance the forward and backward variance with Var(W) = 2/(fan_in + fan_out); tanh needs the gain 5/3 on top. ${MISMATCH_WHY}`,
      example: mlpExample('torch.tanh'),
      useInstead: mlpExample('torch.tanh', bothLayers('nn.init.xavier_uniform_({w}, gain=nn.init.calculate_gain("tanh"))')),
    },
    messages: mismatchMessages,
  },
  'init-selu': {
    code: 'init-selu',
    name: 'SeluInit',
    title: 'SELU after a weight whose init is not LeCun normal',
    severityClass: 'mismatch',
    anchor: 'rule-init-selu',
    source: 'Klambauer et al. 2017, "Self-Normalizing Neural Networks" (arXiv 1706.02515); PyTorch docs: use kaiming_normal_(nonlinearity="linear") for SELU',
    docs: {
      whatItDoes:
        "Checks that a weight followed by SELU has LeCun normal init: `kaiming_normal_(w, nonlinearity='linear')`, as PyTorch's docs advise." +
        inKerasAndFlax('"lecun_normal"', 'nn.initializers.lecun_normal()'),
      whyIsThisBad: `SELU keeps activations at zero mean and unit variance only with Var(W) = 1/fan_in (Klambauer et al. 2017). ${MISMATCH_WHY}`,
      example: mlpExample('torch.selu'),
      useInstead: mlpExample('torch.selu', bothLayers('nn.init.kaiming_normal_({w}, nonlinearity="linear")')),
    },
    messages: mismatchMessages,
  },
  'init-gain': {
    code: 'init-gain',
    name: 'ActivationGainInit',
    title: 'Activation with no PyTorch gain after a weight whose variance does not match the gain computed by quadrature',
    severityClass: 'mismatch',
    anchor: 'rule-init-gain',
    source:
      'Poole et al. 2016 (arXiv 1606.05340): σ_w² = 1/E[φ(z)²] keeps the signal at unit variance; gain computed by Gauss quadrature (PyTorch has no gain for this activation)',
    docs: {
      whatItDoes:
        'Checks that a weight followed by an activation PyTorch has no gain for (GELU, SiLU, Mish, ELU, softplus, hardswish, …) has ' +
        'Var(W) = g²/fan_in, with the gain g = 1/√E[φ(z)²] computed by Gauss quadrature (GELU 1.5335, SiLU 1.6765, Mish 1.4868); ' +
        'the fix is `normal_(w, std=g/√fan_in)`.' +
        inKerasAndFlax(
          'keras.initializers.VarianceScaling(scale=g², mode="fan_in", distribution="truncated_normal")',
          'nn.initializers.variance_scaling(g², "fan_in", "truncated_normal")',
        ),
      whyIsThisBad: `\`calculate_gain\` has no entry for these activations, so no init in \`torch.nn.init\` is scaled for them. ${MISMATCH_WHY}`,
      example: mlpExample('F.gelu', [], [...TORCH_IMPORTS, 'import torch.nn.functional as F']),
      useInstead: mlpExample('F.gelu', bothLayers('nn.init.normal_({w}, std=1.5335 / math.sqrt(512))'), [
        'import math',
        '',
        ...TORCH_IMPORTS,
        'import torch.nn.functional as F',
      ]),
    },
    messages: mismatchMessages,
  },
  'init-recurrent': {
    code: 'init-recurrent',
    name: 'RecurrentOrthogonalInit',
    title: 'Recurrent (hidden-to-hidden) weights that are not orthogonal',
    severityClass: 'minor',
    anchor: 'rule-init-recurrent',
    source:
      'Saxe et al. 2014, "Exact solutions to the nonlinear dynamics of learning in deep linear networks" (arXiv 1312.6120): orthogonal recurrent weights keep the hidden state\'s norm',
    docs: {
      whatItDoes: 'Checks that the hidden-to-hidden weights of an RNN, LSTM or GRU are orthogonal (`orthogonal_(w)`), or an identity.',
      whyIsThisBad:
        'The hidden state is multiplied by the same matrix at every time step; an orthogonal matrix keeps its norm, ' +
        'any other scale makes it vanish or explode over long sequences (Saxe et al. 2014, arXiv 1312.6120).',
      example: [
        'import torch.nn as nn',
        '',
        '',
        'class Encoder(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.rnn = nn.LSTM(128, 256)',
        '',
        '    def forward(self, x):',
        '        return self.rnn(x)[0]',
        '',
      ].join('\n'),
      useInstead: [
        'import torch.nn as nn',
        '',
        '',
        'class Encoder(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.rnn = nn.LSTM(128, 256)',
        '        nn.init.orthogonal_(self.rnn.weight_hh_l0)',
        '',
        '    def forward(self, x):',
        '        return self.rnn(x)[0]',
        '',
      ].join('\n'),
    },
    messages: {
      notOrthogonal: (layer: string, initName: string): string =>
        `${layer}: recurrent weights use ${initName === 'default' ? 'the PyTorch default U(±1/√hidden)' : initName}; orthogonal weight_hh keeps the hidden state's scale over time steps.`,
      fixTitle: (layer: string): string => `Use orthogonal recurrent weights for ${layer}`,
    },
  },
  'init-residual': {
    code: 'init-residual',
    name: 'ResidualScaleInit',
    title: 'Residual branch ends whose scale is not reduced for depth (GPT-2 scaled init, zero-init last norm)',
    severityClass: 'minor',
    anchor: 'rule-init-residual',
    source:
      'Radford et al. 2019 (GPT-2): residual output projections scaled by 1/√(2·n_layer); Goyal et al. 2017 (arXiv 1706.02677): zero-init the last BatchNorm of each residual branch',
    docs: {
      whatItDoes:
        'Checks, in a model with 4 or more residual branches (or a number of them that depends on a value it cannot resolve), that the last layer of each branch is scaled down for depth: ' +
        "GPT-2's std/√(2·n_layer) on a transformer's output projections, 1/√(number of residual blocks) on a CNN's branch ends, or a zero-initialised last norm in each block.",
      whyIsThisBad:
        "Variances add at each residual join, so with n unscaled branches the residual stream's variance grows in proportion to n; " +
        'scaling each branch end by 1/√n keeps it in check (Radford et al. 2019), a zero γ makes each block start as the identity ' +
        '(Goyal et al. 2017, arXiv 1706.02677). A design choice, so reported as information.',
      example: residualExample([]),
      useInstead: residualExample(['nn.init.normal_(self.proj.weight, std=0.02 / math.sqrt(2 * n_layer))']),
    },
    messages: {
      normGamma: (layer: string, gamma: number): string =>
        `${layer}: the last norm of a residual branch starts at γ = ${gamma}; zero-initialising it makes each block start as the identity.`,
      unscaledEnd: (layer: string, sigmaW2: number, branches: number | 'many', convolutional = false): string =>
        convolutional
          ? `${layer}: ends a residual block with the same scale as the other layers (σ_w² = ${fmt(sigmaW2)}); with ${branches} residual blocks the stream's variance grows with depth. Scale it down by the number of residual blocks (1/√${branches === 'many' ? 'n_blocks' : branches}), or zero-initialise the block's last layer.`
          : `${layer}: ends a residual branch with the same scale as the other layers (σ_w² = ${fmt(sigmaW2)}); with ${branches} branches the residual stream's variance grows with depth. Scale it by 1/√(2·n_layer).`,
      fixTitle: (count: number, branches: number): string => `Scale the ${count} residual output projections by 1/√${branches}`,
    },
  },
} as const satisfies { [code in RuleCode]: RuleInfo & { code: code; messages: Record<string, (...args: never[]) => string> } };

/** The residual example: a block whose output projection gets `inits`, repeated 8 times. */
function residualExample(inits: readonly string[]): string {
  return [
    ...(inits.length > 0 ? ['import math', ''] : []),
    'import torch',
    'import torch.nn as nn',
    '',
    '',
    'class Block(nn.Module):',
    `    def __init__(self, d${inits.length > 0 ? ', n_layer' : ''}):`,
    '        super().__init__()',
    '        self.fc = nn.Linear(d, d)',
    '        self.proj = nn.Linear(d, d)',
    ...inits.map((line) => `        ${line}`),
    '',
    '    def forward(self, x):',
    '        return x + self.proj(torch.relu(self.fc(x)))',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self, d=256, n_layer=8):',
    '        super().__init__()',
    `        self.blocks = nn.ModuleList([Block(d${inits.length > 0 ? ', n_layer' : ''}) for _ in range(n_layer)])`,
    '        self.head = nn.Linear(d, 10)',
    '',
    '    def forward(self, x):',
    '        for block in self.blocks:',
    '            x = block(x)',
    '        return self.head(x)',
    '',
  ].join('\n');
}

/** The registry's rules in documentation order (SARIF `ruleIndex` counts in this order). */
export const RULE_LIST: readonly RuleInfo[] = Object.values(RULES);

/** True when `code` is a registry code. */
export function isRuleCode(code: string): code is RuleCode {
  return Object.hasOwn(RULES, code);
}
