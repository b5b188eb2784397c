// Test helper: resume a task (budget 0 by default: every checkpoint pauses) until it is no longer paused.
import { resume, type Task } from 'preemptible';

export function finish<T>(task: Task<T>, budget = 0): { value: T; pauses: number } {
  let pauses = 0;
  while (task.status === 'paused') {
    pauses++;
    resume(task, budget);
  }
  return { value: task.value, pauses };
}
