/**
 * Adapters speak to the outside world (Slack, Kubernetes, Helm, Kafka, Prometheus,
 * Alertmanager) on behalf of the bot, translating to and from the domain of
 * {@code io.gimops.policies}. They may import policies; never the bot.
 */
package io.gimops.adapters;
