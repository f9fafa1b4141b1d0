/**
 * Golden fixtures: each test/fixtures/pytorch/NAME.py against its hand-written NAME.graph.json
 * (a subset: the fields written there must match; see the fixtures' README).
 */
import { describeGoldenFixtures } from '../support/goldenFixtures';

describeGoldenFixtures('pytorch', { title: 'golden fixtures (PyTorch)', minimumPairs: 30 });
