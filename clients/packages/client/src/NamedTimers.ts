/** One timer per name (welcome, heartbeat, ping, token, upgrade, reconnect, rest): arming a name again replaces it. */
export class NamedTimers {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  arm(name: string, delayMs: number, run: () => void): void {
    this.clear(name);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        run();
      }, delayMs),
    );
  }

  clear(...names: string[]): void {
    for (const name of names) {
      const timer = this.timers.get(name);
      if (timer !== undefined) {
        clearTimeout(timer);
        this.timers.delete(name);
      }
    }
  }

  clearAll(): void {
    this.clear(...this.timers.keys());
  }
}
