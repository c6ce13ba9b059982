// The operations listener as `serve` runs it: started with the bot, answering about the real gateway,
// store and metrics.
import { describe, expect } from 'vitest';
import { callbackFor, editOf, test } from '../discord/bot-fixture.ts';

describe('the bot with OPS_PORT', () => {
  test('is live, ready once connected, and counts interactions in /metrics', async ({ connect }) => {
    const { double, bot } = await connect({ config: { OPS_PORT: 0 } });
    expect(bot.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${bot.opsUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bot.opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { gateway: { ok: true }, store: { ok: true }, ingest: { ok: true, detail: 'feed polling off' } } });

    const ix = double.chatInput('brief', { topic: 'china-dprk' });
    await double.waitForRequest(callbackFor(ix.token));
    await double.waitForRequest(editOf(ix.token));
    await bot.idle();
    const metrics = await (await fetch(`${bot.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/briefing_interactions_total\{command="brief",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/briefing_interaction_ack_seconds_count\{command="brief"\} [1-9]/);
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});
