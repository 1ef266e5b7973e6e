/** The bot: the command language, the lifecycle orchestrator, and the wiring and main. */
package io.gimops.bot;
