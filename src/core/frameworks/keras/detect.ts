/**
 * Whether a file uses Keras: it imports `keras` / `tf_keras` / `tensorflow.keras`, or imports
 * TensorFlow and mentions `keras` (`tf.keras.layers.Dense`). A file that imports TensorFlow only
 * for data loading (common in Flax and PyTorch code) is not a Keras file.
 */
import { lineStartMatches } from '../../python/lineStartMatches';

/** `import keras`, `from tf_keras …`, `from tensorflow.keras …` at the start of a line. */
const KERAS_IMPORT = /^[ \t]*(import\s+(keras|tf_keras)\b|from\s+(keras|tf_keras)\b|(from|import)\s+tensorflow(\.python)?\.keras\b)/m;

/** `import tensorflow` or `from tensorflow …` at the start of a line. */
const TENSORFLOW_IMPORT = /^[ \t]*(import\s+tensorflow\b|from\s+tensorflow\b)/m;

/** True when the file uses Keras (see the file comment). */
export function detectKeras(text: string): boolean {
  if (lineStartMatches(text, KERAS_IMPORT, ['import', 'from'], true).length > 0) {
    return true;
  }
  return lineStartMatches(text, TENSORFLOW_IMPORT, ['import', 'from'], true).length > 0 && /\bkeras\b/.test(text);
}
