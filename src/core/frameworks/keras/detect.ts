/**
 * Whether a file uses Keras: it imports `keras` / `tf_keras` / `tensorflow.keras`, or imports
 * TensorFlow and mentions `keras` (`tf.keras.layers.Dense`). A file that imports TensorFlow only
 * for data loading (common in Flax and PyTorch code) is not a Keras file.
 */
export function detectKeras(text: string): boolean {
  if (/^[ \t]*(import\s+(keras|tf_keras)\b|from\s+(keras|tf_keras)\b|(from|import)\s+tensorflow(\.python)?\.keras\b)/m.test(text)) {
    return true;
  }
  return /^[ \t]*(import\s+tensorflow\b|from\s+tensorflow\b)/m.test(text) && /\bkeras\b/.test(text);
}
