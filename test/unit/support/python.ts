/** Loads the Python grammar once for a test file (`before(loadGrammar)`). */
import { loadPython } from '../../../src/core/python/parser';
import { nodeWasmLocation } from '../../../src/node/wasmLocation';

export async function loadGrammar(): Promise<void> {
  await loadPython(nodeWasmLocation());
}
