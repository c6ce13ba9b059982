import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { commands } from '../../src/discord/commands/index.ts';
import { commandsJson, registerCommands } from '../../src/discord/register.ts';
import { silentLogger } from '../../src/log.ts';
import { DiscordDouble } from '../support/discord-double.ts';
import { TOKEN } from './bot-fixture.ts';

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

let double: DiscordDouble | undefined;
afterEach(async () => {
  await double?.stop();
  expect(double?.unmatched ?? []).toEqual([]);
  double = undefined;
});

const configFor = (running: DiscordDouble, env: Record<string, string> = {}) =>
  loadConfig({ LOG_LEVEL: 'silent', DISCORD_TOKEN: TOKEN, DISCORD_API_URL: running.apiBase, ...env });

describe('slash command definitions', () => {
  it('lists /brief, /ask, /sources, /feeds, the digest commands and /help, in that order', () => {
    expect(commandsJson().map((command) => command.name)).toEqual(['brief', 'ask', 'sources', 'feeds', 'subscribe', 'unsubscribe', 'subscriptions', 'help']);
  });

  it('hides the digest commands from members without Manage Channels and offers them in servers only', () => {
    for (const name of ['subscribe', 'unsubscribe', 'subscriptions']) {
      expect(commandsJson().find((command) => command.name === name)).toMatchObject({ default_member_permissions: String(PermissionFlagsBits.ManageChannels), contexts: [InteractionContextType.Guild] });
    }
    const subscribe = commandsJson().find((command) => command.name === 'subscribe');
    expect(subscribe?.options?.map((option) => option.name)).toEqual(['topic', 'cadence', 'time', 'timezone', 'channel', 'weekday', 'cron', 'language']);
  });

  it('hides /feeds from members without Manage Server and offers it in servers only', () => {
    const feeds = commandsJson().find((command) => command.name === 'feeds');
    expect(feeds).toMatchObject({ default_member_permissions: String(PermissionFlagsBits.ManageGuild), contexts: [InteractionContextType.Guild] });
    expect(feeds?.options?.map((option) => option.name)).toEqual(['add', 'remove', 'list']);
  });

  it('passes the builders\' own checks again when every definition is rebuilt to JSON', () => {
    for (const command of commands) expect(() => command.data.toJSON()).not.toThrow();
    expect(commandsJson()).toEqual(commands.map((command) => command.data.toJSON()));
  });

  // Discord rejects these at registration; the builders do not check them (see the double's reference notes, §8).
  it('keeps every name valid, every description within 100 characters, and required options first', () => {
    for (const command of commandsJson()) {
      expect(command.name).toMatch(NAME);
      expect(command.name).toBe(command.name.toLowerCase());
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(100);
      // A subcommand's options are checked like a command's.
      const subcommands = (command.options ?? []).flatMap((option) => ('options' in option && option.type === 1 ? [{ name: `${command.name} ${option.name}`, options: option.options ?? [] }] : []));
      for (const { name, options } of [{ name: command.name, options: command.options ?? [] }, ...subcommands]) {
        expect(options.length).toBeLessThanOrEqual(25);
        expect(new Set(options.map((option) => option.name)).size, `${name}: duplicate option names`).toBe(options.length);
        const required = options.map((option) => ('required' in option && option.required) === true);
        expect(required, `${name}: a required option after an optional one`).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
        for (const option of options) {
          expect(option.name).toMatch(NAME);
          expect(option.description.length).toBeLessThanOrEqual(100);
          if ('autocomplete' in option && option.autocomplete) expect('choices' in option && option.choices).toBeFalsy();
        }
      }
    }
  });
});

describe('command registration against the Discord double', () => {
  it('replaces the guild\'s commands with exactly commandsJson() in one PUT', async () => {
    double = await DiscordDouble.start();
    const registration = await registerCommands(configFor(double, { DISCORD_APPLICATION_ID: double.appId, DISCORD_GUILD_ID: double.guildId }), silentLogger());
    const puts = double.requests.filter((req) => req.method === 'PUT');
    expect(puts.map((req) => req.path)).toEqual([`/applications/${double.appId}/guilds/${double.guildId}/commands`]);
    expect(puts[0]?.body).toEqual(JSON.parse(JSON.stringify(commandsJson())));
    expect(puts[0]?.headers.authorization).toBe(`Bot ${TOKEN}`);
    expect(registration).toEqual({ scope: 'guild', applicationId: double.appId, guildId: double.guildId, commands: ['brief', 'ask', 'sources', 'feeds', 'subscribe', 'unsubscribe', 'subscriptions', 'help'] });
  });

  it('looks the application id up with the token and registers globally when no guild is set', async () => {
    double = await DiscordDouble.start();
    const running = double;
    running.addRoute('GET', /^\/applications\/@me$/, () => ({ status: 200, body: { id: running.appId, name: 'briefing-bot' } }));
    const registration = await registerCommands(configFor(running), silentLogger());
    expect(running.requests.map((req) => `${req.method} ${req.path}`)).toEqual(['GET /applications/@me', `PUT /applications/${running.appId}/commands`]);
    expect(registration).toMatchObject({ scope: 'global', applicationId: running.appId });
  });

  it('refuses to register without a token, naming the variable', async () => {
    await expect(registerCommands(loadConfig({ LOG_LEVEL: 'silent' }), silentLogger())).rejects.toThrow(/DISCORD_TOKEN is not set/);
  });
});
