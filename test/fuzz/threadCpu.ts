/**
 * The CPU time of one thread, from Linux's /proc: the fuzzer runs each input in a worker thread and
 * judges a hang on that thread's CPU time, which other processes on a shared machine do not stretch
 * (and, unlike `process.cpuUsage()`, other workers of the same process do not add to). Node 20 has no
 * per-thread CPU clock of its own. Where /proc is missing, the process's CPU time stands in.
 */
import * as fs from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** user + system time in ms, and the thread id, from a /proc `stat` line; null if unreadable. */
function readStat(file: string): { tid: number; cpuMs: number } | null {
  let line: string;
  try {
    line = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const tid = Number(line.slice(0, line.indexOf(' ')));
  return Number.isFinite(utime) && Number.isFinite(stime) ? { tid, cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND } : null;
}

/** The calling thread's CPU time in ms (10 ms resolution from /proc; the process's time where /proc is missing). */
export function threadCpuMs(): number {
  const stat = readStat('/proc/thread-self/stat');
  if (stat) {
    return stat.cpuMs;
  }
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The calling thread's OS id, for another thread to read its CPU time; null where /proc is missing. */
export function threadId(): number | null {
  return readStat('/proc/thread-self/stat')?.tid ?? null;
}

/** The CPU time in ms of thread `tid` of this process; null where it cannot be read (gone, or no /proc). */
export function cpuMsOfThread(tid: number): number | null {
  return readStat(`/proc/self/task/${tid}/stat`)?.cpuMs ?? null;
}
