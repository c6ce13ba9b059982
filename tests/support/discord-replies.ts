// How the double answers: Discord's error bodies, and writing a Reply to the response.
import type { ServerResponse } from 'node:http';
import type { RecordedRequest, Reply } from './discord-types.ts';

export const error = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });
export const invalid = (): Reply => error(400, 50035, 'Invalid Form Body');
export const unknownChannel = (): Reply => error(404, 10003, 'Unknown Channel');
export const unknownMessage = (): Reply => error(404, 10008, 'Unknown Message');
export const unknownWebhook = (): Reply => error(404, 10015, 'Unknown Webhook');
export const unknownInteraction = (): Reply => error(404, 10062, 'Unknown interaction');

/** How violations name a request: `POST /channels/1/messages`. */
export const requestLabel = (req: RecordedRequest) => `${req.method} ${req.path}`;

export function write(res: ServerResponse, reply: Reply): void {
  const payload = reply.status === 204 || reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...reply.headers });
  res.end(payload);
}
