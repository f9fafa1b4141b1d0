/**
 * The simulation against real PyTorch on real-architecture fixtures (test/fixtures/torch-models/,
 * measured once with torch; no torch needed here): per layer and in both directions, the share of
 * values within log(1.25) + 2.5 × PyTorch's seed spread (torchModelAgreement.ts). Architectures the
 * simulation covers are held to the bar (analytic ≥ 0.90, Monte Carlo ≥ 0.85); the others to the
 * share they reach today, with what is left out named in the coverage line.
 */
import assert from 'node:assert/strict';
import { loadGrammar } from '../support/python';
import { measureAgreement } from './torchModelAgreement';

interface Expectation {
  stem: string;
  /** Least share of values that agree, analytic and Monte Carlo. */
  analytic: number;
  monteCarlo: number;
  /** The coverage line (the network's first note). */
  coverage: RegExp;
  /** The batch PyTorch measured with (default 8). */
  batch?: number;
}

const AT_THE_BAR: Expectation[] = [
  { stem: 'mnist_cnn', analytic: 0.9, monteCarlo: 0.85, coverage: /^simulated 4 of 4 parametrised layers$/ },
  { stem: 'mobilenet_ir', analytic: 0.9, monteCarlo: 0.85, coverage: /^simulated 21 of 21 parametrised layers$/ },
  { stem: 'inception_block', analytic: 0.9, monteCarlo: 0.85, coverage: /^simulated 15 of 15 parametrised layers$/ },
  // Token and positional embeddings, causal self-attention read from c_attn's 3n outputs, pre-norm residual blocks.
  { stem: 'gpt_small', analytic: 0.9, monteCarlo: 0.85, coverage: /^simulated 16 of 16 parametrised layers$/, batch: 4 },
  // `out + self.shortcut(x)`: identity shortcut in layer1, the 1×1 conv and norm when the shape changes.
  { stem: 'cifar_resnet', analytic: 0.9, monteCarlo: 0.85, coverage: /^simulated 19 of 19 parametrised layers$/ },
  // The transition's F.avg_pool2d and the head's adaptive pool come from the graph.
  { stem: 'densenet_block', analytic: 0.9, monteCarlo: 0.85, coverage: /^simulated 11 of 11 parametrised layers$/ },
  // The encoder's pools come from the graph; ConvTranspose2d (up2, up1) is the adjoint of a conv;
  // the skips `cat([up(b), d])` are read from channel counts (26 of 26 analytic, 25 of 26 Monte Carlo).
  { stem: 'unet_small', analytic: 0.95, monteCarlo: 0.9, coverage: /^simulated 13 of 13 parametrised layers$/ },
  // Nearest and bilinear upsampling, a kernel-4 stride-2 ConvTranspose2d (2 taps inside, 1 at the border), pixel shuffle.
  // nn.init.zeros_ on the head: its output and every gradient upstream are exactly 0 in PyTorch and in both passes (0 vs 0 agrees).
  { stem: 'zero_head', analytic: 1, monteCarlo: 1, coverage: /^simulated 3 of 3 parametrised layers$/ },
  { stem: 'decoder_upsample', analytic: 0.9, monteCarlo: 0.9, coverage: /^simulated 5 of 5 parametrised layers$/ },
];

/** Below the bar today, for the reason each coverage line or note says. */
const BELOW_THE_BAR: Expectation[] = [
  // The stage pools (nn.MaxPool2d in the Sequential) come from the graph. Analytic 12 of 14: mean field
  // is 1.7–2.7× high on the output variance of the layers after a max pool of ReLU outputs; Monte Carlo 14 of 14.
  { stem: 'vgg_small', analytic: 0.85, monteCarlo: 0.95, coverage: /^simulated 7 of 7 parametrised layers$/ },
  // LLaMA-style SwiGLU MLP under a hand-written RMSNorm: the graph shows the norm as a bare
  // Parameter, and the gating product w1·w3 is not simulated, so only the head is (read as fed by the input).
  { stem: 'swiglu_rmsnorm', analytic: 0.05, monteCarlo: 0.05, coverage: /^simulated 1 of 18 parametrised layers; left out: blocks\.0\.norm\.weight/ },
  // The LSTM is not simulated; the decoder after it is left out with it, only the embedding agrees.
  { stem: 'lstm_lm', analytic: 0.2, monteCarlo: 0.2, coverage: /^simulated 1 of 3 parametrised layers; left out: rnn, decoder$/ },
];

describe('simulate: real architectures against PyTorch (test/fixtures/torch-models)', function () {
  this.timeout(120000);
  before(loadGrammar);

  for (const expectation of [...AT_THE_BAR, ...BELOW_THE_BAR]) {
    it(`${expectation.stem}: analytic ≥ ${expectation.analytic}, Monte Carlo ≥ ${expectation.monteCarlo} of the values agree`, () => {
      const result = measureAgreement(expectation.stem, expectation.batch);
      const [line] = result.network.notes ?? [];
      assert.match(line, expectation.coverage);
      const analytic = result.analytic.agree / result.analytic.total;
      const monteCarlo = result.monteCarlo.agree / result.monteCarlo.total;
      const why = `analytic ${result.analytic.agree}/${result.analytic.total}, Monte Carlo ${result.monteCarlo.agree}/${result.monteCarlo.total}\n${result.misses.join('\n')}`;
      assert.ok(result.analytic.total >= 5, why);
      assert.ok(analytic >= expectation.analytic, why);
      assert.ok(monteCarlo >= expectation.monteCarlo, why);
    });
  }
});
