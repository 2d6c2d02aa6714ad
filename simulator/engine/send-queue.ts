/**
 * The agents whose send is due but waits for a slot in the in-flight window, oldest first: two numbers per waiting
 * agent (its index and the due time it waits for), never a body, a promise or a closure (issue 13: a request queued
 * in the HTTP pool held its gzip body and closures for seconds, so they all reached the old generation).
 */
export class SendQueue {
  private agents: number[] = [];
  private dueMs: number[] = [];
  private head = 0;

  /** Agents waiting. */
  get size(): number {
    return this.agents.length - this.head;
  }

  /** Agent `agent` waits to send what its scheduler set for `dueMs`. */
  push(agent: number, dueMs: number): void {
    this.agents.push(agent);
    this.dueMs.push(dueMs);
  }

  /** The oldest waiting agent and its due time, or undefined when none waits. */
  shift(): { agent: number; dueMs: number } | undefined {
    if (this.head >= this.agents.length) return undefined;
    const out = { agent: this.agents[this.head]!, dueMs: this.dueMs[this.head]! };
    this.head++;
    // Drop the consumed prefix now and then, so the arrays stay as long as the queue, not as the run.
    if (this.head >= 1024 && this.head * 2 >= this.agents.length) {
      this.agents = this.agents.slice(this.head);
      this.dueMs = this.dueMs.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
