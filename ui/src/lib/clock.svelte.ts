/** The current time, refreshed every minute while the component that made it is shown. */
export class Clock {
  now = $state(new Date());

  constructor(intervalMs = 60_000) {
    $effect(() => {
      const timer = setInterval(() => (this.now = new Date()), intervalMs);
      return () => clearInterval(timer);
    });
  }
}
