import { DiscordAPIError, HTTPError, RateLimitError, SnowflakeUtil, type Client, type MessageCreateOptions, type SendableChannels } from 'discord.js';
import type { DigestPost, DigestSender, SendFailure } from '../digest/deliver.ts';

/** Discord's error codes that mean the channel is gone or closed to the bot: retrying cannot help. */
const PAUSING: Record<number, Pick<SendFailure, 'kind' | 'reason'>> = {
  10003: { kind: 'gone', reason: 'The channel no longer exists (Discord: Unknown Channel). Subscribe another channel.' },
  10004: { kind: 'gone', reason: 'I am no longer in this server (Discord: Unknown Guild).' },
  50001: { kind: 'forbidden', reason: "I can't see the channel any more (Discord: Missing Access). Give my role View Channel there, then resume." },
  50013: {
    kind: 'forbidden',
    reason: "I'm missing a permission in the channel (Discord: Missing Permissions). I need View Channel, Send Messages and Embed Links there; grant them, then resume.",
  },
};

/** A Discord error as a delivery outcome: pause, retry (429, 5xx, network), or refused for another reason. */
export function classifySendError(err: unknown): SendFailure {
  if (err instanceof DiscordAPIError) {
    const known = typeof err.code === 'number' ? PAUSING[err.code] : undefined;
    if (known) return known;
    if (err.status === 429 || err.status >= 500) return { kind: 'retryable', reason: `Discord answered ${err.status}` };
    return { kind: 'rejected', reason: `Discord refused the digest (${err.status} ${err.message}).` };
  }
  if (err instanceof RateLimitError) return { kind: 'retryable', reason: `rate limited for ${err.retryAfter} ms` };
  if (err instanceof HTTPError) return { kind: err.status >= 500 || err.status === 429 ? 'retryable' : 'rejected', reason: `Discord answered ${err.status}` };
  return { kind: 'retryable', reason: (err as Error).message ?? String(err) };
}

async function sendable(client: Client, channelId: string): Promise<SendableChannels> {
  const channel = await client.channels.fetch(channelId);
  if (!channel?.isSendable()) throw new DiscordAPIError({ code: 10003, message: 'Unknown Channel' }, 10003, 404, 'GET', `/channels/${channelId}`, {});
  return channel;
}

/**
 * Sends digests through the bot's own discord.js client (its REST queue keeps the global 50 requests/s
 * and per-channel limits, and waits out 429s), with the window's nonce and enforce_nonce.
 */
export function discordDigestSender(client: Client): DigestSender {
  return {
    async send(post: DigestPost) {
      try {
        const channel = await sendable(client, post.channelId);
        const message = await channel.send({ ...(post.payload as MessageCreateOptions), nonce: post.nonce, enforceNonce: true });
        return { ok: true, messageId: message.id };
      } catch (err) {
        return { ok: false, failure: classifySendError(err) };
      }
    },
    async findSent(channelId, marker, after) {
      try {
        const channel = await sendable(client, channelId);
        if (!('messages' in channel)) return undefined;
        // A minute of slack: the record is written just before the send, on a clock that may differ from Discord's.
        const messages = await channel.messages.fetch({ after: SnowflakeUtil.generate({ timestamp: after.getTime() - 60_000 }).toString(), limit: 100 });
        const found = messages.find((message) =>
          message.author.id === client.user?.id && message.components.some((row) => JSON.stringify(row.toJSON()).includes(`"${marker}"`)));
        return found?.id;
      } catch {
        return undefined; // no Read Message History: the resend's nonce is the remaining guard
      }
    },
  };
}
