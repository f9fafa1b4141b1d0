/** Runs `action` once `delayMs` after the last call (typing in a field must not start a run per key). */
export function debounce(action: () => void, delayMs: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = () => {
    clearTimeout(timer);
    timer = setTimeout(action, delayMs);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}
