import { REST, Routes, type RESTOptions, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import { ConfigError, type Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { commands } from './commands/index.ts';

/** Exactly the JSON `registerCommands` sends (`briefing-bot commands --json` prints it). */
export function commandsJson(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return commands.map((command) => command.data.toJSON());
}

/** Only the field we use from GET /applications/@me. */
const CurrentApplication = z.object({ id: z.string().regex(/^\d+$/) });

export type Registration = { scope: 'guild' | 'global'; applicationId: string; guildId?: string; commands: string[] };

/**
 * Replaces the bot's slash commands with `commandsJson()` in one bulk PUT: on DISCORD_GUILD_ID (instant, for
 * testing) or globally (may take up to an hour to show). The application id comes from DISCORD_APPLICATION_ID
 * or is looked up with the token.
 */
export async function registerCommands(config: Config, log: Logger, restOptions: Partial<RESTOptions> = {}): Promise<Registration> {
  if (!config.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN is not set: `register` needs the bot token to replace the slash commands.');
  const rest = new REST({ ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}), ...restOptions }).setToken(config.DISCORD_TOKEN);
  const applicationId = config.DISCORD_APPLICATION_ID ?? CurrentApplication.parse(await rest.get(Routes.currentApplication())).id;
  const body = commandsJson();
  const guildId = config.DISCORD_GUILD_ID;
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const saved = z.array(z.object({ name: z.string() })).parse(await rest.put(route, { body }));
  const registration: Registration = { scope: guildId ? 'guild' : 'global', applicationId, ...(guildId ? { guildId } : {}), commands: saved.map((c) => c.name) };
  log.info(registration, 'registered slash commands');
  return registration;
}
