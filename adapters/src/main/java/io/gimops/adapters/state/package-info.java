/**
 * The bot's own state in Kubernetes: leader election among replicas, rule 4's lock per
 * environment, and the operation journal. All of it lives in the bot's namespace, so it survives
 * restarts and is shared by replicas; every method blocks (call it on a worker).
 */
package io.gimops.adapters.state;
