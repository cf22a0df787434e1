// Usage headers (notes §7): percentages of a call budget that grow with every Graph call. The
// budget stands in for Graph's rolling 24 h quota; once it is spent every call is throttled
// until a test resets it, because Graph extends a block while you keep calling.

export interface UsageSnapshot {
  callCount: number;
  totalCputime: number;
  totalTime: number;
}

export class Usage {
  calls = 0;

  constructor(public budget: number) {}

  count(): void {
    this.calls++;
  }

  get exhausted(): boolean {
    return this.calls > this.budget;
  }

  snapshot(): UsageSnapshot {
    const pct = Math.min(100, Math.floor((this.calls * 100) / this.budget));
    return { callCount: pct, totalCputime: Math.floor(pct / 2), totalTime: Math.floor((pct * 3) / 5) };
  }

  headers(pageId: string, full?: { regainMinutes: number }): Record<string, string> {
    const s = full ? { callCount: 100, totalCputime: 100, totalTime: 100 } : this.snapshot();
    const app = { call_count: s.callCount, total_cputime: s.totalCputime, total_time: s.totalTime };
    const buc = {
      [pageId]: [{ type: 'pages', ...app, estimated_time_to_regain_access: full?.regainMinutes ?? 0 }],
    };
    return { 'x-app-usage': JSON.stringify(app), 'x-business-use-case-usage': JSON.stringify(buc) };
  }
}
